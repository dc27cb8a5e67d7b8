package cohort.coordinator.results;

import static cohort.coordinator.journal.Journal.reason;

import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.journal.JobRecordEvent;
import cohort.coordinator.journal.JobRecordEvent.ResultsSynced;
import cohort.coordinator.journal.Journal;
import cohort.protocol.CoordinatorProtocol;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
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
 * <p>Results are flushed once the writer has drained the appends already in its mailbox, and at
 * most once per {@link #FLUSH_INTERVAL}: a single result after a quiet spell goes out at once,
 * while a stream of tiny results costs a flush (and a read, and a network write to each reader) per
 * interval rather than per result.
 *
 * <p>With a durable {@link Journal}, readers see results only once they are kept: the file is
 * synced to the disk and its length journaled ({@code ResultsSynced}), at most once per sync
 * interval, so a client never reads a result that a restart would take back. The job's end is
 * journaled ({@code Ended}) before the log reads as complete. Without one, results are readable
 * once flushed.
 *
 * <p>It also frees the job's file inputs: a blob an input references (its {@code "blob"} field) is
 * deleted once that input's result is kept, and what is left when the job ends goes with it.
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

  /**
   * No more results: keep them, journal the end, mark the log complete, stop.
   *
   * @param phase how the job ended
   * @param message what its status says about the end
   * @param endedAt when it ended
   */
  public record Close(String phase, String message, Instant endedAt) implements Command {}

  /**
   * Where a writer starts.
   *
   * @param log the log it appends to
   * @param jobId whose results these are
   * @param bytes bytes the log's file holds already (kept before a restart); 0 for a new job
   * @param results results in those bytes
   * @param syncInterval the shortest time between two syncs
   * @param ended run once the job's end is journaled: what only a running job needs may go
   */
  public record Setup(
      ResultLog log,
      String jobId,
      long bytes,
      long results,
      Duration syncInterval,
      Runnable ended) {

    /** A new job's writer, with nothing to do at the end. */
    public static Setup fresh(ResultLog log, String jobId, Duration syncInterval) {
      return new Setup(log, jobId, 0, 0, syncInterval, () -> {});
    }
  }

  private enum Flush implements Command {
    INSTANCE
  }

  private enum Sync implements Command {
    INSTANCE
  }

  /** A sync's length is journaled, or could not be. */
  private record Synced(long bytes, List<String> freed, Throwable failure) implements Command {}

  /** The job's end is journaled, or could not be. */
  private record Ended(long bytes, Throwable failure) implements Command {}

  /** The shortest time between two flushes. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(2);

  private final Setup setup;
  private final ResultLog log;
  private final BlobStore blobs;
  private final Journal journal;
  private final ActorRef<CoordinatorProtocol.Command> owner;
  private final Owner acks;
  private final LogFile file;
  private final TimerScheduler<Command> timers;
  private final java.util.concurrent.Executor blocking;

  /** The copies of the log for a standby coordinator. */
  private final LogCopies copies;

  private boolean flushPending;
  private long lastFlushNanos;
  private boolean syncPending;
  private boolean syncing;
  private long lastSyncNanos;
  private long synced;
  private Close closing;
  private String failure;

  /**
   * @param journal where the log's kept length and the job's end are journaled
   * @param owner told after each append how many results were written
   * @param acks makes those messages
   */
  public static Behavior<Command> create(
      Setup setup,
      BlobStore blobs,
      Journal journal,
      ActorRef<CoordinatorProtocol.Command> owner,
      Owner acks) {
    return Behaviors.withTimers(
        timers ->
            Behaviors.setup(
                context -> new ResultWriter(context, timers, setup, blobs, journal, owner, acks)));
  }

  private ResultWriter(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Setup setup,
      BlobStore blobs,
      Journal journal,
      ActorRef<CoordinatorProtocol.Command> owner,
      Owner acks)
      throws IOException {
    super(context);
    this.timers = timers;
    this.setup = setup;
    this.log = setup.log();
    this.blobs = blobs;
    this.journal = journal;
    this.owner = owner;
    this.acks = acks;
    this.file = LogFile.openAt(log.file(), setup.bytes(), setup.results());
    this.synced = setup.bytes();
    this.blocking =
        context
            .getSystem()
            .dispatchers()
            .lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
    this.copies = new LogCopies(journal.files(), log.file(), blocking);
    log.advance(setup.bytes());
    if (setup.bytes() > 0) {
      // A recovered log was cut to its kept length: so is its copy.
      copies.cut(setup.bytes());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onMessageEquals(Sync.INSTANCE, this::onSync)
        .onMessage(Synced.class, this::onSynced)
        .onMessage(Close.class, this::onClose)
        .onMessage(Ended.class, this::onEnded)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    int count = 0;
    for (ResultBlock block : append.blocks()) {
      count += block.size();
    }
    owner.tell(acks.written(setup.jobId(), count));
    if (failure != null) {
      return this;
    }
    try {
      for (ResultBlock block : append.blocks()) {
        file.write(block);
      }
    } catch (IOException e) {
      fail("cannot write results to " + log.file() + ": " + e.getMessage());
      return this;
    }
    if (!flushPending) {
      flushPending = true;
      after(Flush.INSTANCE, lastFlushNanos, FLUSH_INTERVAL);
    }
    return this;
  }

  /** Sends {@code message} to this writer now if {@code interval} passed since {@code last}. */
  private void after(Command message, long last, Duration interval) {
    long wait = last + interval.toNanos() - System.nanoTime();
    if (wait <= 0) {
      getContext().getSelf().tell(message);
    } else {
      timers.startSingleTimer(message, Duration.ofNanos(wait));
    }
  }

  private Behavior<Command> onFlush() {
    flushPending = false;
    lastFlushNanos = System.nanoTime();
    if (failure != null) {
      return this;
    }
    try {
      file.flush();
    } catch (IOException e) {
      fail("cannot write results to " + log.file() + ": " + e.getMessage());
      return this;
    }
    if (!journal.durable()) {
      log.advance(file.bytes());
      file.takeFreed().forEach(blobs::delete);
    } else if (!syncPending && !syncing && closing == null) {
      syncPending = true;
      after(Sync.INSTANCE, lastSyncNanos, setup.syncInterval());
    }
    return this;
  }

  /** Syncs what is written, then journals its length; readers see it once that is done. */
  private Behavior<Command> onSync() {
    syncPending = false;
    // Once closing, the end's own sync and journal entry keep the rest: a sync journaled after
    // the end would be refused.
    if (failure != null || syncing || closing != null || file.bytes() == synced) {
      return this;
    }
    try {
      file.sync();
    } catch (IOException e) {
      fail("cannot sync results to " + log.file() + ": " + e.getMessage());
      return this;
    }
    syncing = true;
    lastSyncNanos = System.nanoTime();
    long bytes = file.bytes();
    List<String> freed = file.takeFreed();
    long results = file.results();
    getContext()
        .pipeToSelf(
            copies
                .write(file, synced, bytes)
                .thenCompose(
                    copied -> journal.record(setup.jobId(), new ResultsSynced(results, bytes))),
            (done, error) -> new Synced(bytes, freed, error));
    return this;
  }

  private Behavior<Command> onSynced(Synced kept) {
    syncing = false;
    if (kept.failure() != null) {
      fail("cannot journal the results of job " + setup.jobId() + ": " + reason(kept.failure()));
    } else {
      synced = kept.bytes();
      log.advance(synced);
      deleting(() -> kept.freed().forEach(blobs::delete));
    }
    if (closing != null) {
      return end();
    }
    if (failure == null && file.bytes() > synced && !flushPending) {
      syncPending = true;
      after(Sync.INSTANCE, lastSyncNanos, setup.syncInterval());
    }
    return this;
  }

  private Behavior<Command> onClose(Close close) {
    closing = close;
    if (failure == null) {
      try {
        file.flush();
      } catch (IOException e) {
        fail("cannot write results to " + log.file() + ": " + e.getMessage());
      }
    }
    return syncing ? this : end();
  }

  /** Keeps the last results and journals the end; the log is complete once that is done. */
  private Behavior<Command> end() {
    if (!journal.durable() || failure != null) {
      if (failure == null) {
        log.advance(file.bytes());
      }
      return stop();
    }
    try {
      file.sync();
    } catch (IOException e) {
      fail("cannot sync results to " + log.file() + ": " + e.getMessage());
      return stop();
    }
    long bytes = file.bytes();
    JobRecordEvent.Ended ended =
        new JobRecordEvent.Ended(
            closing.phase(), closing.message(), closing.endedAt(), file.results(), bytes);
    getContext()
        .pipeToSelf(
            copies
                .write(file, synced, bytes)
                .thenCompose(copied -> journal.record(setup.jobId(), ended)),
            (done, error) -> new Ended(bytes, error));
    return this;
  }

  private Behavior<Command> onEnded(Ended ended) {
    if (ended.failure() != null) {
      fail("cannot journal the end of job " + setup.jobId() + ": " + reason(ended.failure()));
    } else {
      log.advance(ended.bytes());
      setup.ended().run();
    }
    return stop();
  }

  private Behavior<Command> stop() {
    closeFile();
    log.close(failure);
    String jobId = setup.jobId();
    deleting(() -> blobs.deleteJob(jobId));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (!log.closed()) {
      closeFile();
      log.close(failure == null ? "the coordinator stopped before the job ended" : failure);
    }
    return this;
  }

  /**
   * Deletes blobs: here, or off this actor's thread when their copies for a standby go too (a round
   * trip to the database each).
   */
  private void deleting(Runnable delete) {
    if (journal.files().active()) {
      java.util.concurrent.CompletableFuture.runAsync(delete, blocking);
    } else {
      delete.run();
    }
  }

  private void fail(String why) {
    failure = why;
    getContext().getLog().error(failure);
  }

  private void closeFile() {
    try {
      file.close();
    } catch (IOException e) {
      if (failure == null) {
        fail("cannot write results to " + log.file() + ": " + e.getMessage());
      }
    }
  }
}
