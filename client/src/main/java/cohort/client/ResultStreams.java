package cohort.client;

import cohort.api.Result;
import cohort.api.ResultFrames;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A job's results read from bytes as they arrive, however they arrive (an HTTP response, a result
 * log in the coordinator's JVM): as JSON lines or as typed values from the compact frames. Reading
 * one result at a time, never the whole job; closing the stream closes the bytes.
 */
public final class ResultStreams {

  private static final int BUFFER = 1 << 16;

  private ResultStreams() {}

  /**
   * The lines of {@code body}, one result each.
   *
   * @param broken makes the exception thrown when reading fails midway, saying what broke
   */
  public static Stream<String> lines(
      InputStream body, Function<IOException, RuntimeException> broken) {
    // A plain reader with a large buffer: far less work per line than a line subscriber.
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), BUFFER);
    return stream(new ReaderLines(reader, broken), reader);
  }

  /**
   * The results framed in {@code body} ({@link ResultFrames}).
   *
   * @param broken makes the exception thrown when reading fails midway, saying what broke
   */
  public static Stream<Result> results(
      InputStream body, Function<IOException, RuntimeException> broken) {
    InputStream buffered = new BufferedInputStream(body, BUFFER);
    Iterator<Result> frames = ResultFrames.read(buffered);
    Iterator<Result> results =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            try {
              return frames.hasNext();
            } catch (UncheckedIOException e) {
              throw broken.apply(e.getCause());
            }
          }

          @Override
          public Result next() {
            hasNext();
            return frames.next();
          }
        };
    return stream(results, buffered);
  }

  private static <T> Stream<T> stream(Iterator<T> items, Closeable source) {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(
            () -> {
              try {
                source.close();
              } catch (IOException e) {
                // closing a stream that was read: nothing to tell anyone
              }
            });
  }
}
