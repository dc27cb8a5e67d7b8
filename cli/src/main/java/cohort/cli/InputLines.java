package cohort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The lines of {@code --input-file} (or stdin), one string input each, read only as the upload asks
 * for them. Lines end with {@code \n} or {@code \r\n}. The text must be UTF-8: a line that is not
 * is an error naming its number, never replacement characters in the user's data.
 *
 * <p>The file is read through a channel, so {@link #close} from any thread also ends a read blocked
 * on a pipe or FIFO; its writer then sees a broken pipe instead of waiting for a reader that left.
 */
final class InputLines implements InputUpload.Source {

  private static final int BUFFER_BYTES = 64 * 1024;

  private final String name;
  private final InputStream in;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int position;
  private int limit;
  private byte[] line = new byte[256];
  private long number;
  private String next;
  private boolean ended;
  private volatile boolean closed;
  private volatile RuntimeException failure;

  /**
   * @param name what the input is, for messages: {@code --input-file lines.txt}
   * @param in the bytes; closing it must end a read blocked in another thread (a channel's stream)
   */
  InputLines(String name, InputStream in) {
    this.name = name;
    this.in = in;
  }

  /**
   * Checks that {@code --input-file} names something to read, without opening it (opening a FIFO
   * waits for its writer): anything readable will do, such as a file, {@code /dev/null}, a FIFO,
   * {@code /dev/stdin} or a shell's {@code <(command)}; only a missing path and a folder are
   * refused.
   *
   * @throws IllegalArgumentException when it does not exist or is a folder, saying what to do
   */
  static void check(String inputFile) {
    if (inputFile.equals("-")) {
      return;
    }
    Path path = Path.of(inputFile);
    if (Files.isDirectory(path)) {
      throw folder(inputFile);
    }
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("--input-file " + inputFile + ": no such file");
    }
  }

  /**
   * Opens {@code --input-file}: anything readable (see {@link #check}), or stdin for {@code -}. A
   * FIFO is opened when its writer opens it, as {@code cat} would.
   *
   * @throws IllegalArgumentException when the path does not exist or is a folder
   * @throws UncheckedIOException when it cannot be opened, saying why
   */
  static InputLines open(String inputFile) {
    if (inputFile.equals("-")) {
      return new InputLines(
          "stdin (--input-file -)",
          Channels.newInputStream(new FileInputStream(FileDescriptor.in).getChannel()));
    }
    String name = "--input-file " + inputFile;
    Path path = Path.of(inputFile);
    if (Files.isDirectory(path)) {
      throw folder(inputFile);
    }
    try {
      // Through a channel, which opens and reads pipes, FIFOs and devices as well as files.
      return new InputLines(name, Files.newInputStream(path));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(name + ": no such file");
    } catch (AccessDeniedException e) {
      throw new UncheckedIOException("cannot read " + name + ": permission denied", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException folder(String inputFile) {
    return new IllegalArgumentException(
        "--input-file "
            + inputFile
            + " is a folder; give a file of lines, or run on every file under it with --dir "
            + inputFile);
  }

  @Override
  public boolean hasNext() {
    if (next == null && !ended) {
      next = readLine();
      ended = next == null;
    }
    return next != null;
  }

  @Override
  public JsonNode next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String value = next;
    next = null;
    return TextNode.valueOf(value);
  }

  @Override
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Closes the input; a read blocked in another thread ends, and is not counted as a failure. */
  @Override
  public void close() {
    closed = true;
    try {
      in.close();
    } catch (IOException e) {
      // Nothing more is read from it either way.
    }
  }

  private String readLine() {
    try {
      int length = 0;
      boolean read = false;
      while (true) {
        if (position == limit) {
          int count = in.read(buffer);
          if (closed) {
            // A read that close() ended returns -3 on JDK 17 rather than throwing.
            throw new AsynchronousCloseException();
          }
          if (count < 0) {
            if (!read) {
              return null;
            }
            break;
          }
          position = 0;
          limit = count;
          continue;
        }
        read = true;
        int end = position;
        while (end < limit && buffer[end] != '\n') {
          end++;
        }
        length = append(length, end - position);
        boolean newline = end < limit;
        position = newline ? end + 1 : end;
        if (newline) {
          break;
        }
      }
      number++;
      if (length > 0 && line[length - 1] == '\r') {
        length--;
      }
      return decode(length);
    } catch (IOException e) {
      if (closed) {
        throw new UncheckedIOException(name + " was closed before its end", e);
      }
      throw fail(
          new UncheckedIOException(
              "cannot read " + name + " after line " + number + ": " + e.getMessage(), e));
    }
  }

  /** Appends {@code count} bytes from the buffer's position to the line; returns its length. */
  private int append(int length, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
    }
    System.arraycopy(buffer, position, line, length, count);
    return length + count;
  }

  private String decode(int length) {
    try {
      return utf8.decode(ByteBuffer.wrap(line, 0, length)).toString();
    } catch (CharacterCodingException e) {
      throw fail(
          new UncheckedIOException(
              "cannot read "
                  + name
                  + ": line "
                  + number
                  + " is not UTF-8 text; convert it to UTF-8, for example with iconv",
              e));
    }
  }

  private RuntimeException fail(RuntimeException e) {
    failure = e;
    return e;
  }
}
