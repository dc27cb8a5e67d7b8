package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.NodeDraining;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.HostPort;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CancelJob;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.TaskChecked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;

/**
 * A node's worker: the actor that owns the node's slots and runs the coordinator's batches on them.
 *
 * <p>It routes messages; plain classes decide. {@link SlotSchedule} says which queued batches a
 * free slot runs, back to back on one thread of the slot executor; {@link Watchdog} which inputs to
 * interrupt for their timeout and which threads to give up for lost (the worker then adds a thread,
 * so the node keeps its capacity); {@link Outbox} how the results of one round of messages travel
 * back together; {@link TaskBinder} binds each job's task off this actor, and {@link Jobs}
 * remembers the bound tasks and the cancelled jobs. The coordinator sends no more batches than the
 * node has credit for, so the queue stays short.
 *
 * <p>It finds the coordinator through the receptionist and registers with it, again whenever a
 * coordinator appears; when the coordinator leaves the cluster, it ends this membership so the node
 * joins again. On {@link Drain} it switches to {@link #draining()}.
 *
 * <p>Protocol: {@link WorkerProtocol}, plus {@link Drain} from the node's own shutdown.
 */
public final class Worker extends AbstractBehavior<WorkerProtocol.Command> {

  /** Finish or return every batch, then answer; sent by the node's coordinated shutdown. */
  public record Drain(Duration timeout, ActorRef<Done> replyTo) implements WorkerProtocol.Command {}

  /** How often running inputs are checked against their deadlines. */
  private static final Duration TICK = Duration.ofMillis(50);

  /** How long running batches may take to stop once the drain timeout has passed. */
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  /** A slot thread ended a batch: its results, or the error that broke the slot. */
  private record BatchRan(BatchKey batch, List<BatchFinished> parts, Throwable failure)
      implements WorkerProtocol.Command {}

  /** A slot thread ended its run of batches. */
  private record SlotFree(long run) implements WorkerProtocol.Command {}

  /** A job's task was bound, or could not be: {@code error} says why. */
  private record TaskBound(String job, BoundTask task, String error)
      implements WorkerProtocol.Command {}

  /** The answer to a {@link CheckTask}, once its bind ended. */
  private record Checked(ActorRef<TaskChecked> replyTo, String error)
      implements WorkerProtocol.Command {}

  private enum FlushOutbox implements WorkerProtocol.Command {
    INSTANCE
  }

  private record CoordinatorsChanged(Receptionist.Listing listing)
      implements WorkerProtocol.Command {}

  private record MemberRemoved(ClusterEvent.MemberRemoved event)
      implements WorkerProtocol.Command {}

  private enum Tick implements WorkerProtocol.Command {
    INSTANCE
  }

  private enum DrainDeadline implements WorkerProtocol.Command {
    INSTANCE
  }

  private enum DrainGraceOver implements WorkerProtocol.Command {
    INSTANCE
  }

  private final int slots;
  private final TaskRegistry registry;
  private final TimerScheduler<WorkerProtocol.Command> timers;
  private final CompletableFuture<String> registered;
  private final String node;
  private final Logger log;
  private final FileInputs files = new FileInputs();
  private final BatchRunner runner;
  private final SlotThreads threads;
  private final SlotSchedule schedule;
  private final Watchdog watchdog;
  private final Outbox outbox;
  private final TaskBinder binder;
  private final Jobs jobs = new Jobs();
  private final Set<ActorRef<CoordinatorProtocol.Command>> coordinators = new HashSet<>();
  private final List<ActorRef<Done>> drainWaiters = new ArrayList<>();

  /**
   * Creates the worker.
   *
   * @param slots inputs run at once
   * @param registry the tasks this node offers
   * @param executor runs batches, one per slot thread; grown when a thread is given up, shut down
   *     when the worker stops
   * @param registered completed with the coordinator's address once it accepts this node, or
   *     exceptionally when it refuses
   */
  public static Behavior<WorkerProtocol.Command> create(
      int slots,
      TaskRegistry registry,
      ThreadPoolExecutor executor,
      CompletableFuture<String> registered) {
    return Behaviors.withTimers(
        timers ->
            Behaviors.setup(
                context -> new Worker(context, timers, slots, registry, executor, registered)));
  }

  private Worker(
      ActorContext<WorkerProtocol.Command> context,
      TimerScheduler<WorkerProtocol.Command> timers,
      int slots,
      TaskRegistry registry,
      ThreadPoolExecutor executor,
      CompletableFuture<String> registered) {
    super(context);
    this.log = context.getLog();
    this.timers = timers;
    this.slots = slots;
    this.registry = registry;
    this.registered = registered;
    this.node = HostPort.of(Cluster.get(context.getSystem()).selfMember().address()).toString();
    this.runner = new BatchRunner(node, context.getSelf(), files);
    this.threads = new SlotThreads(executor, runner, slotReports(context.getSelf()));
    this.schedule = new SlotSchedule(slots);
    this.watchdog = new Watchdog(node);
    this.outbox = new Outbox(context.getSelf());
    this.binder = new TaskBinder(registry);
    context
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                CoordinatorProtocol.SERVICE_KEY,
                context.messageAdapter(Receptionist.Listing.class, CoordinatorsChanged::new)));
    Cluster.get(context.getSystem())
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ClusterEvent.MemberRemoved.class, MemberRemoved::new),
                ClusterEvent.MemberRemoved.class));
    log.info("node {} started with {} slots; tasks: {}", node, slots, registry.names());
  }

  @Override
  public Receive<WorkerProtocol.Command> createReceive() {
    return always(newReceiveBuilder())
        .onMessage(RunBatch.class, this::onRunBatch)
        .onMessage(RunBatches.class, this::onRunBatches)
        .onMessage(BatchRan.class, this::onBatchRan)
        .onMessage(SlotFree.class, this::onSlotFree)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChanged)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  /**
   * The worker while it drains: a batch that arrives goes straight back, a coordinator that appears
   * is not registered with, and once no batch is left on a slot thread every {@link Drain} is
   * answered. The running batches have until the drain's timeout, are interrupted then, and their
   * threads are given up {@link #DRAIN_GRACE} later.
   */
  private Receive<WorkerProtocol.Command> draining() {
    return always(newReceiveBuilder())
        .onMessage(RunBatch.class, this::onRunBatchWhileDraining)
        .onMessage(RunBatches.class, this::onRunBatchesWhileDraining)
        .onMessage(BatchRan.class, this::onBatchRanWhileDraining)
        .onMessage(SlotFree.class, this::onSlotFreeWhileDraining)
        .onMessageEquals(Tick.INSTANCE, this::onTickWhileDraining)
        .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChangedWhileDraining)
        .onMessage(Drain.class, this::onDrainWhileDraining)
        .onMessageEquals(DrainDeadline.INSTANCE, this::onDrainDeadline)
        .onMessageEquals(DrainGraceOver.INSTANCE, this::onDrainGraceOver)
        .build();
  }

  /** What the worker does the same way whether it serves or drains. */
  private ReceiveBuilder<WorkerProtocol.Command> always(
      ReceiveBuilder<WorkerProtocol.Command> builder) {
    return builder
        .onMessageEquals(FlushOutbox.INSTANCE, this::onFlushOutbox)
        .onMessage(CancelJob.class, this::onCancelJob)
        .onMessage(CheckTask.class, this::onCheckTask)
        .onMessage(Checked.class, this::onChecked)
        .onMessage(TaskBound.class, this::onTaskBound)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(RegistrationRefused.class, this::onRegistrationRefused)
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onSignal(PostStop.class, this::onPostStop);
  }

  // ---- batches ------------------------------------------------------------------------------

  private Behavior<WorkerProtocol.Command> onRunBatch(RunBatch batch) {
    accept(batch);
    startQueued();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRunBatches(RunBatches batches) {
    batches.batches().forEach(this::accept);
    startQueued();
    return Behaviors.same();
  }

  private void accept(RunBatch batch) {
    if (jobs.cancelled(batch.jobId())) {
      report(batch, runner.dropped(batch));
    } else {
      bind(batch);
      schedule.enqueue(batch);
    }
  }

  /** Binds the batch's task off this actor, unless it is bound or binding already. */
  private void bind(RunBatch batch) {
    String job = batch.jobId();
    if (jobs.startBind(job)) {
      getContext()
          .pipeToSelf(
              binder.bind(batch.task()),
              (task, failure) ->
                  new TaskBound(job, task, failure == null ? null : TaskBinder.reason(failure)));
    }
  }

  private Behavior<WorkerProtocol.Command> onTaskBound(TaskBound bound) {
    if (!jobs.bindEnded(bound.job(), bound.task())) {
      return Behaviors.same(); // cancelled meanwhile
    }
    if (bound.error() != null) {
      // The coordinator checks tasks before it accepts a job, so the node's tasks changed under
      // it, or the task's validate is too slow; every input reports why.
      log.warn("job {}: {}", bound.job(), bound.error());
      for (RunBatch batch : schedule.withdraw(batch -> batch.jobId().equals(bound.job()))) {
        runner.failAll(batch, "cohort.NodeError", bound.error()).forEach(p -> report(batch, p));
      }
    }
    startQueued();
    return Behaviors.same();
  }

  /** Gives free slots work: the next queued batch, or a run of small ones back to back. */
  private void startQueued() {
    for (List<RunningBatch> run = schedule.nextRun(jobs::task);
        !run.isEmpty();
        run = schedule.nextRun(jobs::task)) {
      if (run.stream().anyMatch(batch -> batch.batch().taskTimeoutMillis() > 0)) {
        watch();
      }
      threads.start(run);
    }
    RunBatch head = schedule.head();
    if (head != null) {
      bind(head); // it waits for its task: binding, or bound so long ago that it was forgotten
    }
  }

  /** What the slot threads report comes back to this actor as messages. */
  private static SlotThreads.Reports slotReports(ActorRef<WorkerProtocol.Command> self) {
    return new SlotThreads.Reports() {
      @Override
      public void batchEnded(BatchKey batch, List<BatchFinished> parts, Throwable failure) {
        self.tell(new BatchRan(batch, parts, failure));
      }

      @Override
      public void runEnded(long run) {
        self.tell(new SlotFree(run));
      }
    };
  }

  private Behavior<WorkerProtocol.Command> onBatchRan(BatchRan ran) {
    RunningBatch done = schedule.finished(ran.batch());
    if (done == null) {
      return Behaviors.same(); // reported when it was given up
    }
    RunBatch batch = done.batch();
    if (ran.failure() != null) {
      log.error("batch {} crashed its slot", ran.batch(), ran.failure());
      runner
          .failAll(batch, "cohort.NodeError", "the slot crashed: " + ran.failure())
          .forEach(part -> report(batch, part));
    } else {
      ran.parts().forEach(part -> report(batch, part));
    }
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onSlotFree(SlotFree free) {
    // A thread that died of a fatal error leaves batches it did not finish.
    for (RunningBatch lost : schedule.runEnded(free.run())) {
      report(lost.batch(), runner.dropped(lost.batch()));
    }
    threads.resize(schedule.threadsNeeded());
    startQueued();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onCancelJob(CancelJob cancel) {
    String job = cancel.jobId();
    if (!jobs.cancel(job)) {
      return Behaviors.same();
    }
    List<RunBatch> dropped = schedule.withdraw(batch -> batch.jobId().equals(job));
    dropped.forEach(batch -> report(batch, runner.dropped(batch)));
    int interrupted = 0;
    for (RunningBatch running : schedule.handed()) {
      if (running.batch().jobId().equals(job)) {
        running.control().cancel();
        interrupted++;
      }
    }
    if (interrupted > 0) {
      watch();
    }
    if (interrupted + dropped.size() > 0) {
      log.info(
          "job {} cancelled: interrupted {} running and dropped {} queued batches",
          job,
          interrupted,
          dropped.size());
    }
    return Behaviors.same();
  }

  /**
   * Queues a result for its coordinator. Results go out once the messages already waiting for this
   * actor have been handled, so those of one round travel together.
   */
  private void report(RunBatch batch, BatchFinished part) {
    if (outbox.result(batch.replyTo(), part)) {
      getContext().getSelf().tell(FlushOutbox.INSTANCE);
    }
  }

  private Behavior<WorkerProtocol.Command> onFlushOutbox() {
    outbox.flush().forEach(envelope -> envelope.to().tell(envelope.message()));
    return Behaviors.same();
  }

  // ---- the watchdog -------------------------------------------------------------------------

  /** Starts the watchdog tick unless it runs already. */
  private void watch() {
    if (!timers.isTimerActive(Tick.INSTANCE)) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
    }
  }

  private Behavior<WorkerProtocol.Command> onTick() {
    Watchdog.Findings found = watchdog.inspect(schedule.handed());
    found.timeOuts().forEach(late -> late.batch().control().timeOut(late.offset()));
    found.giveUps().forEach(this::giveUp);
    if (!found.watching()) {
      timers.cancel(Tick.INSTANCE);
    }
    return Behaviors.same();
  }

  /**
   * Reports the batches of a thread that will not come back in time, and replaces the thread so the
   * node keeps its slots. A thread given up already is not given up again.
   */
  private void giveUp(Watchdog.GiveUp stuck) {
    List<RunningBatch> lost = schedule.giveUp(stuck.batch().run());
    if (lost.isEmpty()) {
      return;
    }
    // The batches waiting behind it on that thread go back to the coordinator to run elsewhere.
    for (RunningBatch batch : lost) {
      boolean isStuck = batch.key().equals(stuck.batch().key());
      report(batch.batch(), isStuck ? stuck.report(runner) : runner.dropped(batch.batch()));
    }
    threads.resize(schedule.threadsNeeded());
    log.warn(
        "gave up a slot thread running job {} because {}; the slot is replaced ({} threads"
            + " given up)",
        stuck.batch().batch().jobId(),
        stuck.why(),
        schedule.threadsGivenUp());
    startQueued();
  }

  // ---- draining -----------------------------------------------------------------------------

  private Behavior<WorkerProtocol.Command> onDrain(Drain drain) {
    drainWaiters.add(drain.replyTo());
    coordinators.forEach(coordinator -> coordinator.tell(new NodeDraining(getContext().getSelf())));
    List<RunBatch> returned = schedule.withdraw(batch -> true);
    returned.forEach(batch -> report(batch, runner.dropped(batch)));
    // A task that called System.exit started this shutdown: report it while the JVM still runs.
    List<Watchdog.GiveUp> exiting = watchdog.exiting(schedule.handed());
    if (!exiting.isEmpty()) {
      exiting.forEach(this::giveUp);
      log.error("a task called System.exit; reported its input");
      onFlushOutbox();
    }
    log.info(
        "node {} draining: finishing {} running batches within {} s, returned {} queued",
        node,
        schedule.handed().size(),
        drain.timeout().toSeconds(),
        returned.size());
    if (schedule.idle()) {
      finishDrain();
    } else {
      timers.startSingleTimer(DrainDeadline.INSTANCE, drain.timeout());
    }
    return draining();
  }

  private Behavior<WorkerProtocol.Command> onRunBatchWhileDraining(RunBatch batch) {
    report(batch, runner.dropped(batch));
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRunBatchesWhileDraining(RunBatches batches) {
    batches.batches().forEach(this::onRunBatchWhileDraining);
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onBatchRanWhileDraining(BatchRan ran) {
    onBatchRan(ran);
    return drainedIfIdle();
  }

  private Behavior<WorkerProtocol.Command> onSlotFreeWhileDraining(SlotFree free) {
    onSlotFree(free);
    return drainedIfIdle();
  }

  private Behavior<WorkerProtocol.Command> onTickWhileDraining() {
    onTick();
    return drainedIfIdle();
  }

  /** Registering with a coordinator now would only bring work this node cannot take. */
  private Behavior<WorkerProtocol.Command> onCoordinatorsChangedWhileDraining(
      CoordinatorsChanged changed) {
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onDrainWhileDraining(Drain drain) {
    drainWaiters.add(drain.replyTo());
    return drainedIfIdle();
  }

  private Behavior<WorkerProtocol.Command> onDrainDeadline() {
    log.warn(
        "drain timeout passed with {} batches running; interrupting them",
        schedule.handed().size());
    schedule.handed().forEach(running -> running.control().cancel());
    timers.startSingleTimer(DrainGraceOver.INSTANCE, DRAIN_GRACE);
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onDrainGraceOver() {
    watchdog.drainGraceOver(schedule.handed()).forEach(this::giveUp);
    finishDrain();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> drainedIfIdle() {
    if (schedule.idle()) {
      finishDrain();
    }
    return Behaviors.same();
  }

  /** Sends what is left to send and answers whoever waits for the drain. */
  private void finishDrain() {
    onFlushOutbox();
    timers.cancel(DrainDeadline.INSTANCE);
    timers.cancel(DrainGraceOver.INSTANCE);
    if (!drainWaiters.isEmpty()) {
      log.info("node {} drained", node);
    }
    drainWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
    drainWaiters.clear();
  }

  // ---- the coordinator ----------------------------------------------------------------------

  private Behavior<WorkerProtocol.Command> onCheckTask(CheckTask check) {
    getContext()
        .pipeToSelf(
            binder.bind(check.task()),
            (task, failure) ->
                new Checked(check.replyTo(), failure == null ? null : TaskBinder.reason(failure)));
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onChecked(Checked checked) {
    checked.replyTo().tell(new TaskChecked(checked.error()));
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onCoordinatorsChanged(CoordinatorsChanged changed) {
    Set<ActorRef<CoordinatorProtocol.Command>> current =
        changed.listing().getServiceInstances(CoordinatorProtocol.SERVICE_KEY);
    coordinators.retainAll(current);
    for (ActorRef<CoordinatorProtocol.Command> coordinator : current) {
      if (coordinators.add(coordinator)) {
        coordinator.tell(
            new RegisterNode(
                getContext().getSelf(), slots, registry.describe(), CoordinatorProtocol.VERSION));
      }
    }
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRegistered(Registered registeredWith) {
    if (registeredWith.httpUrl() != null) {
      files.coordinatorUrl(registeredWith.httpUrl());
    }
    if (!registered.isDone()) {
      log.info("node {} registered with coordinator {}", node, registeredWith.coordinator());
      registered.complete(registeredWith.coordinator());
    }
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRegistrationRefused(RegistrationRefused refused) {
    log.error("the coordinator refused node {}: {}", node, refused.reason());
    registered.completeExceptionally(new IllegalStateException(refused.reason()));
    return Behaviors.stopped();
  }

  /**
   * The coordinator left the cluster: this membership is over. The node's runner starts a new one
   * that joins again, since a cluster member cannot join another cluster.
   */
  private Behavior<WorkerProtocol.Command> onMemberRemoved(MemberRemoved removed) {
    Member member = removed.event().member();
    Cluster cluster = Cluster.get(getContext().getSystem());
    if (member.hasRole(CoordinatorProtocol.COORDINATOR_ROLE)
        && !member.address().equals(cluster.selfMember().address())) {
      log.warn(
          "the coordinator {} left the cluster; node {} will join again",
          HostPort.of(member.address()),
          node);
      CoordinatedShutdown.get(getContext().getSystem()).run(NodeApp.CoordinatorLost.INSTANCE);
    }
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onPostStop(PostStop stop) {
    schedule.handed().forEach(running -> running.control().cancel());
    threads.shutdown();
    binder.close();
    finishDrain();
    return Behaviors.same();
  }
}
