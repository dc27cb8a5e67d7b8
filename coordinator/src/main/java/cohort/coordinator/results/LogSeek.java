package cohort.coordinator.results;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a reader that wants a log's results from the {@code from}-th on starts: after the whole
 * frames that hold only earlier results, read by their lengths and counts alone. A reader that
 * reconnects after a lost stream goes on from there without reading the log again.
 */
final class LogSeek {

  private static final CBORFactory CBOR = new CBORFactory();

  /** A frame's head: its length, then enough of the frame for its first index and count. */
  private static final int HEAD = 4 + 24;

  /**
   * A place in a log.
   *
   * @param bytes the offset of a frame's start
   * @param results the results before it
   */
  record Position(long bytes, long results) {
    static final Position START = new Position(0, 0);
  }

  private LogSeek() {}

  /**
   * The start of the frame that holds result {@code from}, looking no further than {@code end}
   * bytes (the readable part of the log); the end itself when every frame before it holds fewer.
   */
  static Position seek(Path file, long end, long from) {
    if (from <= 0 || end <= 0) {
      return Position.START;
    }
    long bytes = 0;
    long results = 0;
    ByteBuffer head = ByteBuffer.allocate(HEAD);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (bytes < end) {
        head.clear();
        head.limit((int) Math.min(HEAD, end - bytes));
        while (head.hasRemaining() && channel.read(head, bytes + head.position()) > 0) {
          // reads the head
        }
        int length = head.getInt(0);
        long count = count(head.array(), 4, head.position() - 4);
        if (results + count > from) {
          break;
        }
        results += count;
        bytes += 4L + length;
      }
    } catch (NoSuchFileException e) {
      return Position.START;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read results file " + file + ": " + e.getMessage(), e);
    }
    return new Position(bytes, results);
  }

  /** The count of a frame: its array's second item. */
  private static long count(byte[] bytes, int offset, int length) throws IOException {
    try (JsonParser p = CBOR.createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_ARRAY
          || p.nextToken() != JsonToken.VALUE_NUMBER_INT
          || p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
        throw new IOException(
            "a frame does not start with its index and count: the file is damaged");
      }
      return p.getLongValue();
    }
  }
}
