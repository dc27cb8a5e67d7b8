package cohort.node;

import cohort.api.TaskError;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.WorkerProtocol.RunBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Decides what to do about batches on slot threads that do not stop when they should: inputs past
 * their job's task timeout are interrupted, and a thread whose task ignores that interrupt (or a
 * cancel, or the end of a drain, or that is stuck inside {@code System.exit}) is given up for lost.
 *
 * <p>It only looks and decides; the worker interrupts and gives up, from its actor, on a tick while
 * any batch has a timeout or a cancel outstanding. The time it measures comes from each batch's
 * {@link BatchControl}, so a test can set it.
 */
final class Watchdog {

  /** How long a cancelled task may ignore its interrupt before its thread is given up. */
  static final long CANCEL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** An input to interrupt for its timeout, if it still runs. */
  record TimeOut(RunningBatch batch, int offset) {}

  /**
   * A slot thread to give up, and why.
   *
   * @param batch the batch the thread is stuck in
   * @param failure what its stuck input reports, or null when the batch is only returned (dropped)
   * @param why for the log: what the task ignored
   */
  record GiveUp(RunningBatch batch, InputFailure failure, String why) {

    /** The report of the stuck batch. */
    BatchFinished report(BatchRunner runner) {
      return failure == null
          ? runner.dropped(batch.batch())
          : runner.gaveUp(batch.batch(), failure);
    }
  }

  /**
   * What one look at the running batches found.
   *
   * @param watching whether any batch still needs watching, or the tick may stop
   */
  record Findings(List<TimeOut> timeOuts, List<GiveUp> giveUps, boolean watching) {}

  private final String node;

  /**
   * @param node this node's address, named in the errors it makes
   */
  Watchdog(String node) {
    this.node = node;
  }

  /** Looks at the batches on slot threads, as the worker's tick does. */
  Findings inspect(Collection<RunningBatch> running) {
    List<TimeOut> timeOuts = new ArrayList<>();
    List<GiveUp> giveUps = new ArrayList<>();
    boolean watching = false;
    for (RunningBatch run : running) {
      BatchControl control = run.control();
      RunBatch batch = run.batch();
      if (control.cancelled()) {
        watching = true;
        // A batch still waiting its turn has no thread to give up: it ends when its thread gets
        // to it, or with the thread that holds it up.
        if (control.thread() != null && control.sinceCancelNanos() > CANCEL_GRACE_NANOS) {
          giveUps.add(new GiveUp(run, null, "it ignored the cancel"));
        }
        continue;
      }
      if (batch.taskTimeoutMillis() <= 0) {
        continue;
      }
      watching = true;
      int current = control.current();
      long limit = TimeUnit.MILLISECONDS.toNanos(batch.taskTimeoutMillis());
      long ran = control.runningNanos();
      if (current < 0 || ran <= limit) {
        continue;
      }
      if (!control.timedOut(current)) {
        timeOuts.add(new TimeOut(run, current));
      } else if (ran > limit + graceNanos(batch)) {
        giveUps.add(
            new GiveUp(run, abandoned(run, current, ran - limit), "it ignored the interrupt"));
      }
    }
    return new Findings(timeOuts, giveUps, watching);
  }

  /**
   * The threads to give up when a drain's grace has passed: one per run that still holds a batch,
   * since giving up a thread gives up every batch of its run.
   */
  List<GiveUp> drainGraceOver(Collection<RunningBatch> running) {
    Set<Long> runs = new HashSet<>();
    List<GiveUp> giveUps = new ArrayList<>();
    for (RunningBatch run : running) {
      if (runs.add(run.run())) {
        giveUps.add(new GiveUp(run, null, "it did not stop when the node drained"));
      }
    }
    return giveUps;
  }

  /**
   * The threads inside {@code System.exit}: a task that called it started the node's shutdown, and
   * its thread waits inside the exit for ever. Its input reports the crash it is, so it is not run
   * again blindly.
   */
  List<GiveUp> exiting(Collection<RunningBatch> running) {
    List<GiveUp> giveUps = new ArrayList<>();
    for (RunningBatch run : running) {
      Thread thread = run.control().thread();
      int current = run.control().current();
      if (thread == null || current < 0 || !JvmExits.isExiting(thread)) {
        continue;
      }
      TaskError error =
          new TaskError(
              "cohort.JvmExit",
              "the task called System.exit while running this input, which shut node "
                  + node
                  + " down",
              node,
              run.batch().attempt(),
              TaskErrors.stackOf(thread));
      giveUps.add(
          new GiveUp(
              run, new InputFailure(current, FailureKind.CRASH, error), "it called System.exit"));
    }
    return giveUps;
  }

  private InputFailure abandoned(RunningBatch run, int offset, long overNanos) {
    RunBatch batch = run.batch();
    TaskError error =
        new TaskError(
            "cohort.TaskAbandoned",
            "ran longer than the task timeout of "
                + batch.taskTimeoutMillis()
                + " ms and ignored the interrupt for "
                + TimeUnit.NANOSECONDS.toMillis(overNanos)
                + " ms; its thread was abandoned and the slot replaced",
            node,
            batch.attempt(),
            TaskErrors.stackOf(run.control().thread()));
    return new InputFailure(offset, FailureKind.TIMEOUT, error);
  }

  /**
   * How long an interrupted input may take to stop before its thread is given up: half its timeout,
   * within 1 to 5 s, time enough to stop a command's processes or close files.
   */
  static long graceNanos(RunBatch batch) {
    long half = TimeUnit.MILLISECONDS.toNanos(batch.taskTimeoutMillis()) / 2;
    return Math.max(TimeUnit.SECONDS.toNanos(1), Math.min(half, TimeUnit.SECONDS.toNanos(5)));
  }
}
