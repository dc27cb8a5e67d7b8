package cohort.coordinator.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.pekko.util.ByteString;

/**
 * Reads a result log's file a chunk at a time from a position, handing out its frames as written or
 * the JSON lines they render: what every reader of a {@link ResultLog} reads through. Not
 * thread-safe: one reader, one position.
 */
final class LogReader {

  private static final int CHUNK = 64 * 1024;

  private final Path file;
  private final FramesToLines lines;
  private FileChannel channel;

  /** Where the next read starts: a frame's start, or the log's readable end. */
  long position;

  LogReader(Path file, FramesToLines lines) {
    this.file = file;
    this.lines = lines;
  }

  /**
   * The next bytes before {@code limit}, or the lines they render. The log's readable end is always
   * a frame's end, so reading on to {@code limit} completes any frame a chunk cuts.
   */
  ByteString read(long limit) {
    if (lines == null) {
      return chunk(limit);
    }
    ByteString rendered = lines.feed(chunk(limit));
    while (rendered.isEmpty() && position < limit) {
      rendered = lines.feed(chunk(limit));
    }
    return rendered;
  }

  private ByteString chunk(long limit) {
    int size = (int) Math.min(CHUNK, limit - position);
    ByteBuffer buffer = ByteBuffer.allocate(size);
    try {
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      }
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position + buffer.position());
        if (n < 0) {
          throw new IOException("results file ended early");
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read results file " + file + ": " + e.getMessage(), e);
    }
    position += size;
    buffer.flip();
    return ByteString.fromByteBuffer(buffer);
  }

  void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do: the reader is done
    }
  }
}
