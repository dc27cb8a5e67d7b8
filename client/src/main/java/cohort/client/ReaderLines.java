package cohort.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The lines of a reader, one {@code readLine} at a time as they are asked for, with read errors
 * turned into an exception that says what was being read.
 */
public final class ReaderLines implements Iterator<String> {

  private final BufferedReader reader;
  private final Function<IOException, RuntimeException> failure;
  private String next;
  private boolean ended;

  /**
   * @param failure makes the exception thrown when a read fails
   */
  public ReaderLines(BufferedReader reader, Function<IOException, RuntimeException> failure) {
    this.reader = reader;
    this.failure = failure;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !ended) {
      try {
        next = reader.readLine();
      } catch (IOException e) {
        throw failure.apply(e);
      }
      ended = next == null;
    }
    return next != null;
  }

  @Override
  public String next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String line = next;
    next = null;
    return line;
  }
}
