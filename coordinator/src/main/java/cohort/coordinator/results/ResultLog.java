package cohort.coordinator.results;

import cohort.api.ResultFrames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A job's results in a file on the coordinator, as {@link cohort.api.ResultFrames}: written once,
 * in delivery order, by the job's {@link ResultWriter}, and read by any number of HTTP streams,
 * each from the start, following the file while the job runs, either as the frames themselves
 * ({@link #source}) or rendered as JSON lines ({@link #jsonLines}).
 *
 * <p>Results live on disk rather than in memory, so a job of ten million inputs costs the
 * coordinator's heap nothing and its results stay readable after it ends. Readers only see bytes
 * the writer has flushed, which always end at a frame boundary.
 */
public final class ResultLog {

  private static final int CHUNK = 64 * 1024;

  private final Path file;
  private long committed;
  private boolean closed;
  private String failure;
  private CompletableFuture<Void> grown = new CompletableFuture<>();

  public ResultLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Whether the log is complete: no more bytes will come. */
  public synchronized boolean closed() {
    return closed;
  }

  /** Makes the first {@code length} bytes readable and wakes waiting readers. */
  synchronized void advance(long length) {
    if (length < committed) {
      throw new IllegalArgumentException(
          "the log cannot shrink from " + committed + " to " + length);
    }
    committed = length;
    wake();
  }

  /** Marks the log complete; {@code error} is null unless writing failed. */
  synchronized void close(String error) {
    closed = true;
    failure = error;
    wake();
  }

  private void wake() {
    CompletableFuture<Void> waiting = grown;
    grown = new CompletableFuture<>();
    waiting.complete(null);
  }

  private synchronized CompletableFuture<Void> awaitBeyond(long position) {
    return committed > position || closed ? CompletableFuture.completedFuture(null) : grown;
  }

  /**
   * The whole log from the start as JSON lines, one result each, ending when the log is complete.
   * Frames are rendered on {@code blocking}, off the stream threads.
   */
  public Source<ByteString, NotUsed> jsonLines(Executor blocking) {
    return source(blocking)
        .via(Framing.lengthField(4, 0, ResultFrames.MAX_FRAME_BYTES + 4, ByteOrder.BIG_ENDIAN))
        .mapAsync(
            1,
            frame ->
                CompletableFuture.supplyAsync(
                    () -> ByteString.fromArrayUnsafe(LINES.get().render(frame.drop(4).toArray())),
                    blocking));
  }

  /** One renderer per thread: they keep a buffer from frame to frame. */
  private static final ThreadLocal<JsonLines> LINES = ThreadLocal.withInitial(JsonLines::new);

  /**
   * The whole log from the start as a stream of bytes, its frames as written, that ends when the
   * log is complete.
   *
   * @param blocking runs the file reads, off the actor and stream threads
   */
  public Source<ByteString, NotUsed> source(Executor blocking) {
    return Source.unfoldResourceAsync(
        () -> CompletableFuture.supplyAsync(this::openReader, blocking),
        reader -> read(reader, blocking),
        reader ->
            CompletableFuture.supplyAsync(
                () -> {
                  reader.close();
                  return org.apache.pekko.Done.getInstance();
                },
                blocking));
  }

  /**
   * A reader at the start of the log. It opens the file only once there are bytes to read: the
   * writer creates the file after the job is accepted, and a client may ask for the results before
   * that.
   */
  private Reader openReader() {
    return new Reader(file);
  }

  private CompletionStage<Optional<ByteString>> read(Reader reader, Executor blocking) {
    long end;
    boolean complete;
    String error;
    synchronized (this) {
      end = committed;
      complete = closed;
      error = failure;
    }
    if (reader.position < end) {
      long limit = end;
      return CompletableFuture.supplyAsync(() -> Optional.of(reader.read(limit)), blocking);
    }
    if (complete) {
      if (error != null) {
        return CompletableFuture.failedFuture(new IOException(error));
      }
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return awaitBeyond(reader.position).thenComposeAsync(done -> read(reader, blocking), blocking);
  }

  /** Deletes the file; readers still open keep what they hold. */
  public void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover file in the spool folder is harmless; it goes with the folder.
    }
  }

  private static final class Reader {
    private final Path file;
    private FileChannel channel;
    private long position;

    Reader(Path file) {
      this.file = file;
    }

    ByteString read(long limit) {
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
}
