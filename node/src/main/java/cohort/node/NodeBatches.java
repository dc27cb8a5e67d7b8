package cohort.node;

import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.StartRequested;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * The batches a node holds, from the moment they arrive until their coordinator has heard how each
 * ended: every change the worker's messages make to them, and what each change reports.
 *
 * <p>A batch is queued, then run on a slot thread, or first held on a slot while the coordinator
 * confirms its start. It ends reported once: with its results; dropped when it did not run here
 * (its job was cancelled, the coordinator declined its start, the node drains); or given up with
 * its thread. Its start is reported before its results: the first batch of a run as the run is
 * handed to a thread, a later one when its thread reports the batch before it. Which batch runs
 * where is {@link SlotSchedule}'s to decide, which thread to give up {@link Watchdog}'s, how
 * reports travel {@link Outbox}'s; this class applies their decisions, and asks the worker, through
 * {@link Actions}, for what only an actor can do.
 *
 * <p>Not thread-safe: the worker's actor owns it.
 */
final class NodeBatches {

  /**
   * What the worker does for the batches: what needs its actor or its threads.
   *
   * @param bind binds the batch's task off the actor, then calls {@link #taskBound}
   * @param run runs the batches on a slot thread, one after the other
   * @param resizeThreads sizes the slot executor to this many threads
   * @param flushSoon calls {@link #flush} once the messages waiting for the worker are handled
   * @param watch calls {@link #tick} from time to time until it returns false
   */
  record Actions(
      Consumer<RunBatch> bind,
      Consumer<List<RunningBatch>> run,
      IntConsumer resizeThreads,
      Runnable flushSoon,
      Consumer<Duration> flushLater,
      Runnable watch) {}

  private final ActorRef<WorkerProtocol.Command> worker;
  private final BatchRunner runner;
  private final SlotSchedule schedule;
  private final Watchdog watchdog;
  private final Outbox outbox;
  private final Jobs jobs = new Jobs();
  private final Actions actions;
  private final Logger log;

  /**
   * @param worker the worker actor, named in what it reports
   * @param slots batches run at once
   */
  NodeBatches(
      ActorRef<WorkerProtocol.Command> worker,
      int slots,
      BatchRunner runner,
      Watchdog watchdog,
      Actions actions,
      Logger log) {
    this(worker, slots, runner, watchdog, actions, log, Outbox.START_REPORT_DELAY);
  }

  /**
   * @param startReportDelay how long a batch runs before its start is reported; zero at once
   */
  NodeBatches(
      ActorRef<WorkerProtocol.Command> worker,
      int slots,
      BatchRunner runner,
      Watchdog watchdog,
      Actions actions,
      Logger log,
      Duration startReportDelay) {
    this.worker = worker;
    this.runner = runner;
    this.schedule = new SlotSchedule(slots);
    this.watchdog = watchdog;
    this.outbox = new Outbox(worker, startReportDelay, System::nanoTime);
    this.actions = actions;
    this.log = log;
  }

  /** Takes a batch the coordinator sent: queued, or dropped at once if its job was cancelled. */
  void accept(RunBatch batch) {
    if (jobs.cancelled(batch.jobId())) {
      refuse(List.of(batch));
    } else {
      bind(batch);
      schedule.enqueue(batch);
    }
  }

  private void bind(RunBatch batch) {
    if (jobs.bindKnown(batch.jobId(), batch.task())) {
      return;
    }
    if (jobs.startBind(batch.jobId())) {
      actions.bind().accept(batch);
    }
  }

  /**
   * A job's task was bound, or could not be.
   *
   * @param spec the task and parameters bound
   * @param error null when bound; otherwise why not, which every queued input of the job reports
   */
  void taskBound(String job, TaskSpec spec, BoundTask task, String error) {
    if (!jobs.bindEnded(job, spec, task)) {
      return; // cancelled meanwhile
    }
    if (error != null) {
      // The coordinator checks tasks before it accepts a job, so the node's tasks changed under
      // it, or the task's validate is too slow. Batches already on a slot have their task.
      log.warn("job {}: {}", job, error);
      for (RunBatch batch : schedule.dequeue(batch -> batch.jobId().equals(job))) {
        runner.failAll(batch, "cohort.NodeError", error).forEach(part -> report(batch, part));
      }
    }
    startQueued();
  }

  /** Gives free slots work: a batch whose start needs confirming, the next run, or nothing. */
  void startQueued() {
    while (true) {
      RunningBatch toConfirm = schedule.holdForConfirmation(jobs::task);
      if (toConfirm != null) {
        // Asked at once, not through the outbox: a slot waits for the answer.
        toConfirm.batch().replyTo().tell(new StartRequested(worker, toConfirm.key()));
        continue;
      }
      List<RunningBatch> run = schedule.nextRun(jobs::task);
      if (run.isEmpty()) {
        break;
      }
      started(run.get(0));
      handOver(run);
    }
    RunBatch head = schedule.head();
    if (head != null) {
      bind(head); // it waits for its task: binding, or bound so long ago that it was forgotten
    }
  }

  private void handOver(List<RunningBatch> run) {
    if (run.stream().anyMatch(batch -> batch.batch().taskTimeoutMillis() > 0)) {
      actions.watch().run();
    }
    actions.run().accept(run);
  }

  /** The coordinator answered a request to start a held batch. */
  void startConfirmed(BatchKey key, boolean run) {
    if (run) {
      List<RunningBatch> confirmed = schedule.confirmed(key);
      if (!confirmed.isEmpty()) {
        handOver(confirmed); // the coordinator knows it starts: no report
      }
      return;
    }
    RunBatch declined = schedule.declined(key);
    if (declined != null) {
      refuse(List.of(declined));
      startQueued();
    }
  }

  /**
   * A slot thread ended a batch.
   *
   * @param parts its results, or null when {@code failure} broke the slot
   * @param next the batch of the same run the thread took up next, or null
   */
  void batchEnded(BatchKey key, List<BatchFinished> parts, Throwable failure, BatchKey next) {
    RunningBatch following = next == null ? null : schedule.handed(next);
    if (following != null) {
      started(following);
    }
    RunningBatch done = schedule.finished(key);
    if (done == null) {
      return; // reported when it was given up
    }
    RunBatch batch = done.batch();
    if (failure != null) {
      log.error("batch {} crashed its slot", key, failure);
      parts = runner.failAll(batch, "cohort.NodeError", "the slot crashed: " + failure);
    }
    parts.forEach(part -> report(batch, part));
  }

  /** A slot thread ended its run, or came back after it was given up. */
  void runEnded(long run) {
    // A thread that died of a fatal error leaves batches it did not finish.
    refuse(schedule.runEnded(run).stream().map(RunningBatch::batch).toList());
    actions.resizeThreads().accept(schedule.threadsNeeded());
    startQueued();
  }

  /**
   * Gives back those of the batches that have not started, so that they run elsewhere: they will
   * not run here, and are not reported.
   *
   * @return the keys of the batches given back
   */
  List<BatchKey> giveBack(Collection<BatchKey> keys) {
    Set<BatchKey> wanted = Set.copyOf(keys);
    List<RunBatch> given =
        schedule.withdraw(batch -> wanted.contains(new BatchKey(batch.jobId(), batch.batchId())));
    if (!given.isEmpty()) {
      startQueued(); // a slot held for a start confirmation may be free now
    }
    return given.stream().map(batch -> new BatchKey(batch.jobId(), batch.batchId())).toList();
  }

  /**
   * Drops the batches the coordinator ran elsewhere while it took this node for lost: those queued
   * are reported dropped, those running are interrupted as a cancel does.
   */
  void drop(Collection<BatchKey> keys) {
    Set<BatchKey> stale = Set.copyOf(keys);
    List<RunBatch> dropped =
        schedule.withdraw(batch -> stale.contains(new BatchKey(batch.jobId(), batch.batchId())));
    refuse(dropped);
    List<RunningBatch> running =
        schedule.handed().stream()
            .filter(run -> stale.contains(new BatchKey(run.batch().jobId(), run.batch().batchId())))
            .toList();
    interrupt(running);
    log.info(
        "the coordinator ran {} batches of this node elsewhere while it took the node for lost:"
            + " interrupted {} running and dropped {} queued",
        stale.size(),
        running.size(),
        dropped.size());
    startQueued();
  }

  private void interrupt(List<RunningBatch> running) {
    running.forEach(batch -> batch.control().cancel());
    if (!running.isEmpty()) {
      actions.watch().run();
    }
  }

  /** Cancels a job: what has not started is dropped, what runs is interrupted. */
  void cancel(String job) {
    if (!jobs.cancel(job)) {
      return;
    }
    List<RunBatch> dropped = schedule.withdraw(batch -> batch.jobId().equals(job));
    refuse(dropped);
    List<RunningBatch> running =
        schedule.handed().stream().filter(batch -> batch.batch().jobId().equals(job)).toList();
    interrupt(running);
    if (!running.isEmpty() || !dropped.isEmpty()) {
      log.info(
          "job {} cancelled: interrupted {} running and dropped {} queued batches",
          job,
          running.size(),
          dropped.size());
    }
    startQueued(); // slots held for a start confirmation may be free
  }

  /**
   * The watchdog's look at the running batches: interrupts inputs past their timeout, gives up
   * threads that ignore it or a cancel.
   *
   * @return whether any batch still needs watching
   */
  boolean tick() {
    Watchdog.Findings found = watchdog.inspect(schedule.handed());
    found.timeOuts().forEach(late -> late.batch().control().timeOut(late.offset()));
    found.giveUps().forEach(this::giveUp);
    return found.watching();
  }

  /**
   * Reports the batches of a thread that will not come back in time, and replaces the thread so the
   * node keeps its slots. A thread given up already is not given up again.
   */
  private void giveUp(Watchdog.GiveUp stuck) {
    List<RunningBatch> lost = schedule.giveUp(stuck.batch().run());
    if (lost.isEmpty()) {
      return; // given up already, with the rest of its run
    }
    // The batches waiting behind it on that thread go back to the coordinator to run elsewhere.
    for (RunningBatch batch : lost) {
      boolean isStuck = batch.key().equals(stuck.batch().key());
      report(batch.batch(), isStuck ? stuck.report(runner) : runner.dropped(batch.batch()));
    }
    actions.resizeThreads().accept(schedule.threadsNeeded());
    log.warn(
        "gave up a slot thread running job {} because {}; the slot is replaced ({} threads given"
            + " up)",
        stuck.batch().batch().jobId(),
        stuck.why(),
        schedule.threadsGivenUp());
    startQueued();
  }

  /**
   * Returns every batch that has not started, held ones included, for a drain.
   *
   * @return how many
   */
  int returnUnstarted() {
    List<RunBatch> returned = schedule.withdraw(batch -> true);
    refuse(returned);
    return returned.size();
  }

  /**
   * Gives up the threads inside {@code System.exit}, whose task started this shutdown, and sends
   * their reports at once, while the JVM still runs.
   */
  void reportExits() {
    List<Watchdog.GiveUp> exiting = watchdog.exiting(schedule.handed());
    if (!exiting.isEmpty()) {
      exiting.forEach(this::giveUp);
      log.error("a task called System.exit; reported its input");
      flush();
    }
  }

  /** Interrupts every running batch, as a drain's timeout passes. */
  void interruptAll() {
    schedule.handed().forEach(running -> running.control().cancel());
  }

  /** Gives up every thread that still runs a batch, as a drain's grace passes. */
  void giveUpAll() {
    watchdog.drainGraceOver(schedule.handed()).forEach(this::giveUp);
  }

  /** Reports what has not run as the worker stops, and interrupts what runs. */
  void stop() {
    returnUnstarted();
    interruptAll();
    flush();
  }

  /** How many batches are on slot threads. */
  int running() {
    return schedule.handed().size();
  }

  /** Whether no batch is queued, held or on a slot thread. */
  boolean idle() {
    return schedule.idle();
  }

  /** Sends what the outbox holds, and the starts now due. */
  void flush() {
    outbox.flush().forEach(envelope -> envelope.to().tell(envelope.message()));
  }

  /** Sends the starts now due, and arranges the next flush for those not due yet. */
  void flushStarts() {
    flush();
    outbox.nextStartDue().ifPresent(actions.flushLater());
  }

  private void started(RunningBatch batch) {
    if (outbox.started(batch.batch().replyTo(), batch.key())) {
      actions.flushSoon().run();
    } else {
      outbox.nextStartDue().ifPresent(actions.flushLater());
    }
  }

  private void report(RunBatch batch, BatchFinished part) {
    if (outbox.result(batch.replyTo(), part)) {
      actions.flushSoon().run();
    }
  }

  /** Reports batches that do not run here, dropped, so that they run elsewhere. */
  void refuse(List<RunBatch> batches) {
    batches.forEach(batch -> report(batch, runner.dropped(batch)));
  }

  /** Forgets tasks whose shipped code was closed; they are bound again if their job goes on. */
  void dropClosedTasks() {
    jobs.dropClosed();
  }
}
