package cohort.coordinator.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A job's results in a file on the coordinator, as {@link cohort.api.ResultFrames}: written once,
 * in delivery order, by the job's {@link ResultWriter}, and read by any number of HTTP streams,
 * each from the start, following the file while the job runs, either as the frames themselves
 * ({@link #source}) or rendered as JSON lines ({@link #jsonLines}); a reader in the coordinator's
 * JVM reads either as a blocking stream ({@link #follow}).
 *
 * <p>Results live on disk rather than in memory, so a job of ten million inputs costs the
 * coordinator's heap nothing and its results stay readable after it ends. Readers only see bytes
 * the writer has flushed, which always end at a frame boundary.
 */
public final class ResultLog {

  private final Path file;
  private long committed;
  private boolean closed;
  private String failure;
  private CompletableFuture<Void> grown = new CompletableFuture<>();

  public ResultLog(Path file) {
    this.file = file;
  }

  /**
   * The log of a job that ended before a restart: its first {@code bytes} bytes, complete.
   *
   * @param error why writing it failed, or null
   */
  public static ResultLog complete(Path file, long bytes, String error) {
    ResultLog log = new ResultLog(file);
    log.advance(bytes);
    log.close(error);
    return log;
  }

  public Path file() {
    return file;
  }

  /** The bytes written to the log and readable so far. */
  public synchronized long bytes() {
    return committed;
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

  /** Completes, on {@code executor}, once the log is complete: its writer has ended. */
  public CompletionStage<Void> whenClosed(Executor executor) {
    CompletableFuture<Void> next;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.completedFuture(null);
      }
      next = grown;
    }
    return next.thenComposeAsync(woken -> whenClosed(executor), executor);
  }

  /** Completes once the log holds more than {@code position} bytes, or is closed. */
  synchronized CompletableFuture<Void> awaitBeyond(long position) {
    return committed > position || closed ? CompletableFuture.completedFuture(null) : grown;
  }

  /**
   * The whole log from the start as JSON lines, one result each, ending when the log is complete.
   * Frames are rendered on {@code blocking} as they are read, a chunk of the file at a time.
   */
  public Source<ByteString, NotUsed> jsonLines(Executor blocking) {
    return unfold(blocking, true, Start.FIRST);
  }

  /**
   * Where a reader that wants the results from the {@code from}-th on starts. Blocking: it reads
   * the heads of the frames before.
   */
  public Start startAt(long from) {
    long end;
    synchronized (this) {
      end = committed;
    }
    LogSeek.Position at = LogSeek.seek(file, end, from);
    return new Start(at.bytes(), at.results(), Math.max(0, from - at.results()));
  }

  /**
   * Where a reader starts.
   *
   * @param bytes the offset of the frame it starts at
   * @param results the results before that frame: the position of the first one it reads
   * @param skip results of that frame to leave out as JSON lines (frames go whole)
   */
  public record Start(long bytes, long results, long skip) {
    /** The start of the log. */
    public static final Start FIRST = new Start(0, 0, 0);
  }

  /** The log from {@code start} on as JSON lines; see {@link #jsonLines(Executor)}. */
  public Source<ByteString, NotUsed> jsonLines(Executor blocking, Start start) {
    return unfold(blocking, true, start);
  }

  /**
   * The log from {@code start} on as its frames, whole: the first holds result {@code
   * start.results()}; see {@link #source(Executor)}.
   */
  public Source<ByteString, NotUsed> source(Executor blocking, Start start) {
    return unfold(blocking, false, start);
  }

  /**
   * The whole log from the start as a stream of bytes, its frames as written, that ends when the
   * log is complete.
   *
   * @param blocking runs the file reads, off the actor and stream threads
   */
  public Source<ByteString, NotUsed> source(Executor blocking) {
    return unfold(blocking, false, Start.FIRST);
  }

  /**
   * The results in the log now, from the start, as JSON lines: unlike {@link #jsonLines(Executor)},
   * it ends at what the log holds when called, even while the job runs.
   */
  public Source<ByteString, NotUsed> jsonLinesSoFar(Executor blocking) {
    long end;
    synchronized (this) {
      end = committed;
    }
    return unfold(blocking, true, Start.FIRST, end);
  }

  private Source<ByteString, NotUsed> unfold(Executor blocking, boolean lines, Start start) {
    return unfold(blocking, lines, start, Long.MAX_VALUE);
  }

  /**
   * @param until the offset to stop at, or {@link Long#MAX_VALUE} to follow the log to its end
   */
  private Source<ByteString, NotUsed> unfold(
      Executor blocking, boolean lines, Start start, long until) {
    return Source.unfoldResourceAsync(
        () -> CompletableFuture.supplyAsync(() -> openReader(lines, start), blocking),
        reader -> read(reader, blocking, until),
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
  private LogReader openReader(boolean lines) {
    return openReader(lines, Start.FIRST);
  }

  private LogReader openReader(boolean lines, Start start) {
    LogReader reader = new LogReader(file, lines ? new FramesToLines(start.skip()) : null);
    reader.position = start.bytes();
    return reader;
  }

  private CompletionStage<Optional<ByteString>> read(
      LogReader reader, Executor blocking, long until) {
    long end;
    boolean complete;
    String error;
    synchronized (this) {
      end = Math.min(committed, until);
      complete = closed || reader.position >= until;
      error = closed ? failure : null;
    }
    if (reader.position < end) {
      long limit = end;
      // Never an empty element: to an HTTP response, an empty chunk would mean the end.
      return CompletableFuture.supplyAsync(() -> reader.read(limit), blocking)
          .thenCompose(
              bytes ->
                  bytes.isEmpty()
                      ? read(reader, blocking, until)
                      : CompletableFuture.completedFuture(Optional.of(bytes)));
    }
    if (complete) {
      if (error != null) {
        return CompletableFuture.failedFuture(new IOException(error));
      }
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return awaitBeyond(reader.position)
        .thenComposeAsync(done -> read(reader, blocking, until), blocking);
  }

  /**
   * The whole log from the start as a blocking stream, for a reader in this JVM that needs no HTTP:
   * the frames as written, or rendered as JSON lines. A read waits while the job runs and there is
   * nothing new; the stream ends once the log is complete, and fails with the writer's error if it
   * broke. Interrupting a waiting reader ends its wait with an {@link InterruptedIOException}.
   *
   * @param lines true for JSON lines, false for the frames
   * @param stopped completes when the coordinator stops: a reader waiting for more then fails
   *     rather than wait for results that will never come
   */
  public InputStream follow(boolean lines, CompletionStage<?> stopped) {
    Following following = new Following(openReader(lines));
    // One callback per reader, not per wait: a long job waits millions of times.
    stopped.thenRun(following::stop);
    return following;
  }

  /** Wakes every waiting reader, to look again at what it waits for. */
  private synchronized void nudge() {
    wake();
  }

  /** Deletes the file and the job log beside it; readers still open keep what they hold. */
  public void delete() {
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(cohort.coordinator.joblog.JobLogFile.beside(file));
    } catch (IOException e) {
      // A leftover file in the spool folder is harmless; it goes with the folder.
    }
  }

  /** A blocking reader of the log: {@link #follow}. Not thread-safe. */
  private final class Following extends InputStream {
    private final LogReader reader;
    private volatile boolean stopped;
    private ByteBuffer pending = ByteBuffer.allocate(0);

    Following(LogReader reader) {
      this.reader = reader;
    }

    /** The coordinator stopped: a reader waiting for more fails instead of waiting forever. */
    void stop() {
      stopped = true; // before the nudge: a reader that missed the nudge sees the flag
      nudge();
    }

    @Override
    public int read() throws IOException {
      return fill() ? pending.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(length, pending.remaining());
      pending.get(into, offset, n);
      return n;
    }

    /** Waits until there are bytes to hand out; false at the end of a complete log. */
    private boolean fill() throws IOException {
      while (!pending.hasRemaining()) {
        long end;
        boolean complete;
        String error;
        synchronized (ResultLog.this) {
          end = committed;
          complete = closed;
          error = failure;
        }
        if (reader.position < end) {
          try {
            pending = reader.read(end).asByteBuffer();
          } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
          }
        } else if (complete) {
          if (error != null) {
            throw new IOException(error);
          }
          return false;
        } else {
          CompletableFuture<Void> grown = awaitBeyond(reader.position);
          if (stopped) {
            throw new IOException("the coordinator stopped before the job ended");
          }
          await(grown);
        }
      }
      return true;
    }

    private void await(CompletableFuture<Void> grown) throws IOException {
      try {
        grown.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for results");
      } catch (ExecutionException e) {
        throw new IOException(e.getCause());
      }
    }

    @Override
    public void close() {
      reader.close();
    }
  }
}
