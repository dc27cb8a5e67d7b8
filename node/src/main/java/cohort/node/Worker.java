package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchesReturned;
import cohort.protocol.CoordinatorProtocol.NodeDraining;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CancelJob;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import cohort.protocol.WorkerProtocol.ReturnQueued;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.StartConfirmed;
import cohort.protocol.WorkerProtocol.TaskChecked;
import cohort.protocol.cluster.SelfMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import org.apache.pekko.Done;
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
import org.slf4j.Logger;

/**
 * A node's worker: the actor that owns the node's slots and runs the coordinator's batches on them.
 *
 * <p>It routes messages; plain classes decide. {@link NodeBatches} keeps the batches the node holds
 * and what their coordinator hears of them, with {@link SlotSchedule} (which batches run on which
 * slot), {@link Watchdog} (which inputs to interrupt, which threads to give up) and {@link Outbox}
 * (how starts and results travel back). Batches run on {@link SlotThreads}; {@link TaskBinder}
 * binds each job's task, and checks tasks and a job's first inputs for the coordinator, off this
 * actor.
 *
 * <p>The worker registers with every coordinator the receptionist lists; its child {@link
 * CoordinatorWatch} ends the membership when the coordinator leaves the cluster (a worker in an
 * actor system without the cluster, beside its coordinator, has none: see {@link SelfMember}). On
 * {@link Drain} it switches to {@link #draining()}.
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

  /** A slot thread ended a batch and took up {@code next} of the same run, if not null. */
  private record BatchRan(
      BatchKey batch, List<BatchFinished> parts, Throwable failure, BatchKey next)
      implements WorkerProtocol.Command {}

  /** A slot thread ended its run of batches. */
  private record SlotFree(long run) implements WorkerProtocol.Command {}

  /** A job's task was bound, or could not be: {@code error} says why. */
  private record TaskBound(String job, TaskSpec spec, BoundTask task, String error)
      implements WorkerProtocol.Command {}

  /** The answer to a {@link CheckTask}, once its bind and its inputs' conversion ended. */
  private record Checked(ActorRef<TaskChecked> replyTo, TaskChecked verdict)
      implements WorkerProtocol.Command {}

  private record CoordinatorsChanged(Receptionist.Listing listing)
      implements WorkerProtocol.Command {}

  /** What the worker tells itself, now or by timer. */
  private enum Signal implements WorkerProtocol.Command {
    /** The messages that were waiting have been handled: send what the outbox holds. */
    FLUSH_OUTBOX,
    /** A batch has run long enough for its start to be reported. */
    FLUSH_STARTS,
    /** Time for the watchdog to look at the running inputs again. */
    TICK,
    /** The drain's timeout passed: interrupt what still runs. */
    DRAIN_DEADLINE,
    /** The grace after the drain's timeout passed: give up what still runs. */
    DRAIN_GRACE_OVER
  }

  private final TimerScheduler<WorkerProtocol.Command> timers;
  private final CompletableFuture<String> registered;
  private final String node;
  private final Logger log;
  private final FileInputs files;
  private final SlotThreads threads;
  private final TaskBinder binder;
  private final NodeBatches batches;
  private final RegisterNode registration;
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
    return create(slots, registry, executor, registered, Outbox.START_REPORT_DELAY);
  }

  /**
   * Creates the worker with another delay before a running batch's start is reported.
   *
   * @param startReportDelay how long a batch runs before its start is reported; zero at once
   */
  static Behavior<WorkerProtocol.Command> create(
      int slots,
      TaskRegistry registry,
      ThreadPoolExecutor executor,
      CompletableFuture<String> registered,
      Duration startReportDelay) {
    return Behaviors.withTimers(
        timers ->
            Behaviors.setup(
                context ->
                    new Worker(
                        context, timers, slots, registry, executor, registered, startReportDelay)));
  }

  private Worker(
      ActorContext<WorkerProtocol.Command> context,
      TimerScheduler<WorkerProtocol.Command> timers,
      int slots,
      TaskRegistry registry,
      ThreadPoolExecutor executor,
      CompletableFuture<String> registered,
      Duration startReportDelay) {
    super(context);
    this.timers = timers;
    this.registered = registered;
    this.node = SelfMember.address(context.getSystem());
    this.log = context.getLog();
    this.files =
        new FileInputs(
            context.getSystem().settings().config().getBoolean("cohort.node.read-in-place"));
    ActorRef<WorkerProtocol.Command> self = context.getSelf();
    BatchRunner runner = new BatchRunner(node, self, files);
    this.threads =
        new SlotThreads(
            executor,
            runner,
            (batch, parts, failure, next) -> self.tell(new BatchRan(batch, parts, failure, next)),
            run -> self.tell(new SlotFree(run)));
    this.binder = new TaskBinder(registry);
    this.registration =
        new RegisterNode(self, slots, registry.describe(), CoordinatorProtocol.VERSION);
    NodeBatches.Actions actions =
        new NodeBatches.Actions(
            this::bind,
            threads::start,
            threads::resize,
            () -> self.tell(Signal.FLUSH_OUTBOX),
            this::flushStartsIn,
            this::watch);
    this.batches =
        new NodeBatches(self, slots, runner, new Watchdog(node), actions, log, startReportDelay);
    context
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                CoordinatorProtocol.SERVICE_KEY,
                context.messageAdapter(Receptionist.Listing.class, CoordinatorsChanged::new)));
    if (SelfMember.inCluster(context.getSystem())) {
      context.spawn(CoordinatorWatch.create(), "coordinator-watch");
    }
    log.info("node {} started with {} slots; tasks: {}", node, slots, registry.names());
  }

  @Override
  public Receive<WorkerProtocol.Command> createReceive() {
    return always(newReceiveBuilder())
        .onMessage(RunBatch.class, this::onRunBatch)
        .onMessage(RunBatches.class, this::onRunBatches)
        .onMessageEquals(Signal.FLUSH_OUTBOX, this::onFlushOutbox)
        .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChanged)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  /**
   * The worker while it drains: a batch that arrives goes straight back, a coordinator that appears
   * is not registered with, and once the last batch's report has gone out every {@link Drain} is
   * answered. The running batches have until the drain's timeout, are interrupted then, and their
   * threads are given up {@link #DRAIN_GRACE} later.
   */
  private Receive<WorkerProtocol.Command> draining() {
    return always(newReceiveBuilder())
        .onMessage(RunBatch.class, this::onRunBatchWhileDraining)
        .onMessage(RunBatches.class, this::onRunBatchesWhileDraining)
        .onMessageEquals(Signal.FLUSH_OUTBOX, this::onFlushOutboxWhileDraining)
        .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChangedWhileDraining)
        .onMessage(Drain.class, this::onDrainWhileDraining)
        .onMessageEquals(Signal.DRAIN_DEADLINE, this::onDrainDeadline)
        .onMessageEquals(Signal.DRAIN_GRACE_OVER, this::onDrainGraceOver)
        .build();
  }

  /** What the worker does the same way whether it serves or drains. */
  private ReceiveBuilder<WorkerProtocol.Command> always(
      ReceiveBuilder<WorkerProtocol.Command> builder) {
    return builder
        .onMessage(BatchRan.class, this::onBatchRan)
        .onMessage(SlotFree.class, this::onSlotFree)
        .onMessageEquals(Signal.TICK, this::onTick)
        .onMessageEquals(Signal.FLUSH_STARTS, this::onFlushStarts)
        .onMessage(StartConfirmed.class, this::onStartConfirmed)
        .onMessage(CancelJob.class, this::onCancelJob)
        .onMessage(ReturnQueued.class, this::onReturnQueued)
        .onMessage(CheckTask.class, this::onCheckTask)
        .onMessage(Checked.class, this::onChecked)
        .onMessage(TaskBound.class, this::onTaskBound)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(RegistrationRefused.class, this::onRegistrationRefused)
        .onSignal(PostStop.class, this::onPostStop);
  }

  private Behavior<WorkerProtocol.Command> onRunBatch(RunBatch batch) {
    batches.accept(batch);
    batches.startQueued();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRunBatches(RunBatches sent) {
    sent.batches().forEach(batches::accept);
    batches.startQueued();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onTaskBound(TaskBound bound) {
    batches.taskBound(bound.job(), bound.spec(), bound.task(), bound.error());
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onStartConfirmed(StartConfirmed answer) {
    batches.startConfirmed(answer.batch(), answer.run());
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onBatchRan(BatchRan ran) {
    batches.batchEnded(ran.batch(), ran.parts(), ran.failure(), ran.next());
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onSlotFree(SlotFree free) {
    batches.runEnded(free.run());
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onReturnQueued(ReturnQueued asked) {
    List<BatchKey> given = batches.giveBack(asked.batches());
    asked.replyTo().tell(new BatchesReturned(getContext().getSelf(), given));
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onCancelJob(CancelJob cancel) {
    batches.cancel(cancel.jobId());
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onFlushOutbox() {
    batches.flush();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onFlushStarts() {
    batches.flushStarts();
    return Behaviors.same();
  }

  /** Flushes the starts that are due after {@code delay}, unless a flush is set already. */
  private void flushStartsIn(Duration delay) {
    if (!timers.isTimerActive(Signal.FLUSH_STARTS)) {
      timers.startSingleTimer(Signal.FLUSH_STARTS, delay);
    }
  }

  private Behavior<WorkerProtocol.Command> onTick() {
    if (!batches.tick()) {
      timers.cancel(Signal.TICK);
    }
    return Behaviors.same();
  }

  /** Binds the batch's task off this actor; the outcome comes back as {@link TaskBound}. */
  private void bind(RunBatch batch) {
    getContext()
        .pipeToSelf(
            binder.bind(batch.task()),
            (task, failure) ->
                new TaskBound(
                    batch.jobId(),
                    batch.task(),
                    task,
                    failure == null ? null : TaskBinder.reason(failure)));
  }

  /** Starts the watchdog's tick unless it runs already. */
  private void watch() {
    if (!timers.isTimerActive(Signal.TICK)) {
      timers.startTimerWithFixedDelay(Signal.TICK, TICK);
    }
  }

  private Behavior<WorkerProtocol.Command> onDrain(Drain drain) {
    drainWaiters.add(drain.replyTo());
    coordinators.forEach(coordinator -> coordinator.tell(new NodeDraining(getContext().getSelf())));
    int returned = batches.returnUnstarted();
    batches.reportExits();
    if (drain.timeout().isZero()) {
      // A node given no time to drain (the cluster inside cohort submit) stops what runs at once;
      // no drain timeout passes, so none is reported.
      log.info(
          "node {} stopping: interrupting {} running batches, returned {} queued",
          node,
          batches.running(),
          returned);
      interruptRunning();
    } else {
      log.info(
          "node {} draining: finishing {} running batches within {} s, returned {} queued",
          node,
          batches.running(),
          drain.timeout().toSeconds(),
          returned);
      timers.startSingleTimer(Signal.DRAIN_DEADLINE, drain.timeout());
    }
    drainedIfIdle();
    return draining();
  }

  private Behavior<WorkerProtocol.Command> onRunBatchWhileDraining(RunBatch batch) {
    batches.refuse(List.of(batch));
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRunBatchesWhileDraining(RunBatches sent) {
    batches.refuse(sent.batches());
    return Behaviors.same();
  }

  /** Every batch ends with a report, so the drain is over once the last report is flushed. */
  private Behavior<WorkerProtocol.Command> onFlushOutboxWhileDraining() {
    batches.flush();
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
    log.warn("drain timeout passed with {} batches running; interrupting them", batches.running());
    interruptRunning();
    return Behaviors.same();
  }

  /** Interrupts the running batches, and gives up their threads {@link #DRAIN_GRACE} later. */
  private void interruptRunning() {
    batches.interruptAll();
    timers.startSingleTimer(Signal.DRAIN_GRACE_OVER, DRAIN_GRACE);
  }

  private Behavior<WorkerProtocol.Command> onDrainGraceOver() {
    batches.giveUpAll();
    finishDrain();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> drainedIfIdle() {
    if (batches.idle()) {
      finishDrain();
    }
    return Behaviors.same();
  }

  /** Sends what is left to send and answers every drain. */
  private void finishDrain() {
    batches.flush();
    timers.cancel(Signal.DRAIN_DEADLINE);
    timers.cancel(Signal.DRAIN_GRACE_OVER);
    if (!drainWaiters.isEmpty()) {
      log.info("node {} drained", node);
    }
    drainWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
    drainWaiters.clear();
  }

  private Behavior<WorkerProtocol.Command> onCheckTask(CheckTask check) {
    getContext()
        .pipeToSelf(
            binder.check(check.task(), check.samples()),
            (verdict, failure) ->
                new Checked(
                    check.replyTo(),
                    failure == null ? verdict : new TaskChecked(TaskBinder.reason(failure))));
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onChecked(Checked checked) {
    checked.replyTo().tell(checked.verdict());
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onCoordinatorsChanged(CoordinatorsChanged changed) {
    Set<ActorRef<CoordinatorProtocol.Command>> current =
        changed.listing().getServiceInstances(CoordinatorProtocol.SERVICE_KEY);
    coordinators.retainAll(current);
    for (ActorRef<CoordinatorProtocol.Command> coordinator : current) {
      if (coordinators.add(coordinator)) {
        coordinator.tell(registration);
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
   * The worker stops with its actor system: the drain is over, or the coordinator is gone. What it
   * has not run is reported, batches held for a start confirmation included, and whoever waits for
   * a drain is answered.
   */
  private Behavior<WorkerProtocol.Command> onPostStop(PostStop stop) {
    batches.stop();
    threads.shutdown();
    binder.close();
    finishDrain();
    return Behaviors.same();
  }
}
