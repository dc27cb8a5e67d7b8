package cohort.coordinator.results;

import cohort.api.ResultFrames;
import java.util.Arrays;
import org.apache.pekko.util.ByteString;

/**
 * Turns a result log's bytes, read in chunks that may end inside a frame, into JSON lines: each
 * chunk gives the lines of the frames it completes, all in one piece, and keeps the rest of a frame
 * it cuts for the next chunk. One per reader; not thread-safe.
 *
 * <p>Rendering a chunk at a time, rather than a frame at a time, is what keeps a job of one-input
 * batches cheap to read: one hand-off and one HTTP chunk per 64 KiB, not per result.
 */
final class FramesToLines {

  private final JsonLines lines = new JsonLines();

  /** Lines still to leave out: a reader that starts inside a frame skips its first results. */
  private long skip;

  FramesToLines() {
    this(0);
  }

  /** Leaves out the first {@code skip} lines. */
  FramesToLines(long skip) {
    this.skip = skip;
  }

  /** Bytes read and not yet rendered: {@code buffer[start, end)}, the start of a cut frame. */
  private byte[] buffer = new byte[0];

  private int start;
  private int end;

  /** The lines of the frames that {@code chunk} completes; empty when it completes none. */
  ByteString feed(ByteString chunk) {
    keep(chunk);
    while (end - start >= 4) {
      int length =
          (buffer[start] & 0xff) << 24
              | (buffer[start + 1] & 0xff) << 16
              | (buffer[start + 2] & 0xff) << 8
              | (buffer[start + 3] & 0xff);
      if (length < 0 || length > ResultFrames.MAX_FRAME_BYTES) {
        throw new IllegalStateException(
            "the result log holds a frame of " + length + " bytes: the file is damaged");
      }
      if (end - start - 4 < length) {
        break;
      }
      lines.append(buffer, start + 4, length);
      start += 4 + length;
    }
    byte[] rendered = lines.drain();
    int start = 0;
    while (skip > 0 && start < rendered.length) {
      int newline = indexOf(rendered, (byte) '\n', start);
      if (newline < 0) {
        break;
      }
      start = newline + 1;
      skip--;
    }
    return start == 0
        ? ByteString.fromArrayUnsafe(rendered)
        : ByteString.fromArrayUnsafe(rendered, start, rendered.length - start);
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Whether a frame was cut and waits for the rest of its bytes. */
  boolean pending() {
    return end > start;
  }

  /** Adds the chunk after what is kept, moving the kept bytes to the front or growing as needed. */
  private void keep(ByteString chunk) {
    int kept = end - start;
    int needed = kept + chunk.size();
    if (needed > buffer.length) {
      buffer = Arrays.copyOfRange(buffer, start, start + Math.max(needed, 2 * buffer.length));
    } else if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, kept);
    }
    start = 0;
    end = kept;
    chunk.asByteBuffer().get(buffer, end, chunk.size());
    end += chunk.size();
  }
}
