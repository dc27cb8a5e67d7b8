package cohort.coordinator.results;

import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.CoordinatorProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Appends one job's results to its {@link ResultLog}, as result frames. Runs on Pekko's
 * blocking-I/O dispatcher, since it writes a file.
 *
 * <p>Results are flushed, and so made readable, once the writer has drained the appends already in
 * its mailbox, and at most once per {@link #FLUSH_INTERVAL}: a single result after a quiet spell is
 * readable at once, while a stream of tiny results costs a flush (and a read, and a network write
 * to each reader) per interval rather than per result.
 *
 * <p>It also frees the job's file inputs: a blob an input references (its {@code "blob"} field) is
 * deleted once that input's result is written, and what is left when the job ends goes with it.
 */
public final class ResultWriter extends AbstractBehavior<ResultWriter.Command> {

  /** Messages of the writer. */
  public sealed interface Command {}

  /** Append these results, in this order; the writer says when they are written. */
  public record Append(List<ResultBlock> blocks) implements Command {}

  /**
   * Told to the job's owner after each append, so it can hold back new work while the writer is
   * behind: results waiting for the disk are held in memory.
   */
  public interface Owner {
    /** The message for {@code count} results written. */
    CoordinatorProtocol.Command written(String jobId, int count);
  }

  /** No more results: flush, mark the log complete, stop. */
  public enum Close implements Command {
    INSTANCE
  }

  private enum Flush implements Command {
    INSTANCE
  }

  /** The shortest time between two flushes. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(2);

  private final ResultLog log;
  private final String jobId;
  private final BlobStore blobs;
  private final ActorRef<CoordinatorProtocol.Command> owner;
  private final Owner acks;
  private final CountingStream counter;
  private final ResultFrameWriter frames = new ResultFrameWriter();
  private final TimerScheduler<Command> timers;
  private boolean flushPending;
  private long lastFlushNanos;
  private String failure;

  /**
   * @param owner told after each append how many results were written
   * @param acks makes those messages
   */
  public static Behavior<Command> create(
      ResultLog log,
      String jobId,
      BlobStore blobs,
      ActorRef<CoordinatorProtocol.Command> owner,
      Owner acks) {
    return Behaviors.withTimers(
        timers ->
            Behaviors.setup(
                context -> new ResultWriter(context, timers, log, jobId, blobs, owner, acks)));
  }

  private ResultWriter(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ResultLog log,
      String jobId,
      BlobStore blobs,
      ActorRef<CoordinatorProtocol.Command> owner,
      Owner acks)
      throws IOException {
    super(context);
    this.timers = timers;
    this.log = log;
    this.jobId = jobId;
    this.blobs = blobs;
    this.owner = owner;
    this.acks = acks;
    Files.createDirectories(log.file().getParent());
    this.counter =
        new CountingStream(new BufferedOutputStream(Files.newOutputStream(log.file()), 1 << 16));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onMessageEquals(Close.INSTANCE, this::onClose)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    int count = 0;
    for (ResultBlock block : append.blocks()) {
      count += block.size();
    }
    owner.tell(acks.written(jobId, count));
    if (failure != null) {
      return this;
    }
    try {
      for (ResultBlock block : append.blocks()) {
        write(block);
      }
    } catch (IOException e) {
      fail(e);
      return this;
    }
    if (!flushPending) {
      flushPending = true;
      long wait = lastFlushNanos + FLUSH_INTERVAL.toNanos() - System.nanoTime();
      if (wait <= 0) {
        getContext().getSelf().tell(Flush.INSTANCE);
      } else {
        timers.startSingleTimer(Flush.INSTANCE, Duration.ofNanos(wait));
      }
    }
    return this;
  }

  /**
   * Writes a block as one result frame, and frees the files its inputs named: a blob an input names
   * is no longer needed once the input has its result.
   */
  private void write(ResultBlock block) throws IOException {
    frames.write(block, counter);
    if (block.inputs().integers()) {
      return;
    }
    for (JsonNode input : block.inputs()) {
      if (input.isObject()) {
        JsonNode blob = input.get("blob");
        if (blob != null && blob.isTextual()) {
          blobs.delete(blob.textValue());
        }
      }
    }
  }

  private Behavior<Command> onFlush() {
    flushPending = false;
    flush();
    return this;
  }

  private Behavior<Command> onClose() {
    flush();
    closeFile();
    log.close(failure);
    blobs.deleteJob(jobId);
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (!log.closed()) {
      closeFile();
      log.close(failure == null ? "the coordinator stopped before the job ended" : failure);
    }
    return this;
  }

  private void flush() {
    if (failure != null) {
      return;
    }
    lastFlushNanos = System.nanoTime();
    try {
      counter.flush();
      log.advance(counter.count);
    } catch (IOException e) {
      fail(e);
    }
  }

  private void fail(IOException e) {
    failure = "cannot write results to " + log.file() + ": " + e.getMessage();
    getContext().getLog().error(failure);
  }

  private void closeFile() {
    try {
      counter.close();
    } catch (IOException e) {
      if (failure == null) {
        fail(e);
      }
    }
  }

  /** Counts the bytes that reached the buffered stream, so flushes know the committed length. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
