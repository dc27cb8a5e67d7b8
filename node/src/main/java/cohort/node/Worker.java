package cohort.node;

import cohort.node.WorkerMessages.BatchRan;
import cohort.node.WorkerMessages.CoordinatorsChanged;
import cohort.node.WorkerMessages.Signal;
import cohort.node.WorkerMessages.SlotFree;
import cohort.node.WorkerMessages.TaskBound;
import cohort.node.code.ShippedCode;
import cohort.node.setup.JobScopes;
import cohort.node.setup.NodeScopes;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchesReturned;
import cohort.protocol.CoordinatorProtocol.NodeDraining;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CancelJob;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.DescribeCode;
import cohort.protocol.WorkerProtocol.DropBatches;
import cohort.protocol.WorkerProtocol.JobEnded;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import cohort.protocol.WorkerProtocol.ReturnQueued;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.StartConfirmed;
import cohort.protocol.WorkerProtocol.TaskChecked;
import cohort.protocol.cluster.SelfMember;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

  private final TimerScheduler<WorkerProtocol.Command> timers;
  private final String node;
  private final Logger log;
  private final SlotThreads threads;
  private final TaskBinder binder;
  private final NodeBatches batches;
  private final CoordinatorLink coordinators;
  private final NodeDrain drain;
  private final JobScopes scopes;

  /** Creates the worker. */
  static Behavior<WorkerProtocol.Command> create(WorkerSetup setup) {
    return Behaviors.withTimers(
        timers -> Behaviors.setup(context -> new Worker(context, timers, setup)));
  }

  private Worker(
      ActorContext<WorkerProtocol.Command> context,
      TimerScheduler<WorkerProtocol.Command> timers,
      WorkerSetup setup) {
    super(context);
    this.timers = timers;
    this.node = SelfMember.address(context.getSystem());
    this.log = context.getLog();
    Config config = context.getSystem().settings().config();
    FileInputs files =
        new FileInputs(setup.access(), config.getBoolean("cohort.node.read-in-place"));
    ActorRef<WorkerProtocol.Command> self = context.getSelf();
    this.scopes = NodeScopes.start(context.getSystem(), node, setup.access());
    BatchRunner runner = new BatchRunner(node, self, files, scopes);
    this.threads =
        new SlotThreads(
            setup.executor(),
            runner,
            (batch, parts, failure, next) -> self.tell(new BatchRan(batch, parts, failure, next)),
            run -> self.tell(new SlotFree(run)));
    Optional<ShippedCode> shipped = ShippedCode.fromConfig(config, setup.access());
    this.binder = new TaskBinder(setup.registry(), shipped);
    shipped.ifPresent(code -> timers.startTimerWithFixedDelay(Signal.SWEEP_CODE, code.sweep()));
    this.coordinators =
        new CoordinatorLink(
            new RegisterNode(
                self,
                setup.slots(),
                setup.registry().describe(),
                CoordinatorProtocol.VERSION,
                setup.direct(),
                shipped.isPresent(),
                NodeSettings.labels(config).texts()),
            setup.registered(),
            files,
            node,
            log);
    NodeBatches.Actions actions =
        new NodeBatches.Actions(
            this::bind,
            threads::start,
            threads::resize,
            () -> self.tell(Signal.FLUSH_OUTBOX),
            this::flushStartsIn,
            this::watch);
    this.batches =
        new NodeBatches(
            self,
            setup.slots(),
            runner,
            new Watchdog(node),
            actions,
            log,
            setup.startReportDelay());
    this.drain = new NodeDrain(batches, timers, node, log);
    context
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                CoordinatorProtocol.SERVICE_KEY,
                context.messageAdapter(Receptionist.Listing.class, CoordinatorsChanged::new)));
    Duration statsEvery = config.getDuration("cohort.node.stats-every");
    context.spawn(NodeStatsReporter.create(self, statsEvery), "stats");
    if (SelfMember.inCluster(context.getSystem())) {
      context.spawn(
          CoordinatorWatch.create(files::coordinatorUrl, setup.access().trust()),
          "coordinator-watch");
    }
    log.info(
        "node {} started with {} slots; tasks: {}", node, setup.slots(), setup.registry().names());
  }

  @Override
  public Receive<WorkerProtocol.Command> createReceive() {
    return always(newReceiveBuilder())
        .onMessage(RunBatch.class, this::onRunBatch)
        .onMessage(RunBatches.class, this::onRunBatches)
        .onMessageEquals(Signal.FLUSH_OUTBOX, () -> routed(batches::flush))
        .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChanged)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  /**
   * The worker while it drains: a batch that arrives goes straight back, a coordinator that appears
   * is not registered with, and once the last batch's report has gone out every {@link Drain} is
   * answered. The running batches have until the drain's timeout, are interrupted then, and their
   * threads are given up {@link NodeDrain#GRACE} later.
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
        .onMessage(
            BatchRan.class,
            ran ->
                routed(
                    () -> batches.batchEnded(ran.batch(), ran.parts(), ran.failure(), ran.next())))
        .onMessage(SlotFree.class, free -> routed(() -> batches.runEnded(free.run())))
        .onMessageEquals(Signal.TICK, this::onTick)
        .onMessageEquals(Signal.FLUSH_STARTS, () -> routed(batches::flushStarts))
        .onMessage(
            StartConfirmed.class,
            answer -> routed(() -> batches.startConfirmed(answer.batch(), answer.run())))
        .onMessage(CancelJob.class, cancel -> endJob(cancel.jobId()))
        .onMessage(JobEnded.class, ended -> endJob(ended.jobId()))
        .onMessage(ReturnQueued.class, this::onReturnQueued)
        .onMessage(DropBatches.class, drop -> routed(() -> batches.drop(drop.batches())))
        .onMessage(CheckTask.class, this::onCheckTask)
        .onMessage(DescribeCode.class, this::onDescribeCode)
        .onMessageEquals(Signal.SWEEP_CODE, this::onSweepCode)
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
    if (bound.spec().code() != null) {
      batches.dropClosedTasks(); // loading it may have closed older code to stay within the most
    }
    return Behaviors.same();
  }

  /** Runs what the node's batches do for a message; the worker stays as it is. */
  private static Behavior<WorkerProtocol.Command> routed(Runnable handling) {
    handling.run();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onReturnQueued(ReturnQueued asked) {
    List<BatchKey> given = batches.giveBack(asked.batches());
    asked.replyTo().tell(new BatchesReturned(getContext().getSelf(), given));
    return Behaviors.same();
  }

  /**
   * A job was cancelled or ended: what the node holds of it is dropped or interrupted, and its
   * per-node state (broadcasts, setup) is torn down once its last batch here has returned.
   */
  private Behavior<WorkerProtocol.Command> endJob(String job) {
    batches.cancel(job);
    scopes.ended(job);
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

  private Behavior<WorkerProtocol.Command> onDrain(Drain asked) {
    drain.await(asked.replyTo());
    coordinators.tellAll(new NodeDraining(getContext().getSelf()));
    int returned = batches.returnUnstarted();
    batches.reportExits();
    drain.begin(asked.timeout(), returned);
    drain.finishIfIdle();
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
    drain.finishIfIdle();
    return Behaviors.same();
  }

  /** Registering with a coordinator now would only bring work this node cannot take. */
  private Behavior<WorkerProtocol.Command> onCoordinatorsChangedWhileDraining(
      CoordinatorsChanged changed) {
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onDrainWhileDraining(Drain asked) {
    drain.await(asked.replyTo());
    drain.finishIfIdle();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onDrainDeadline() {
    drain.deadlinePassed();
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onDrainGraceOver() {
    drain.graceOver();
    return Behaviors.same();
  }

  /** Answered from the binder's thread: the verdict touches nothing of the worker's. */
  private Behavior<WorkerProtocol.Command> onCheckTask(CheckTask check) {
    binder
        .check(check.task(), check.samples())
        .whenComplete(
            (verdict, failure) ->
                check
                    .replyTo()
                    .tell(failure == null ? verdict : new TaskChecked(TaskBinder.reason(failure))));
    return Behaviors.same();
  }

  /** Answered from the binder's thread, as a check is. */
  private Behavior<WorkerProtocol.Command> onDescribeCode(DescribeCode describe) {
    binder.describe(describe.code()).thenAccept(describe.replyTo()::tell);
    return Behaviors.same();
  }

  /** Closes shipped code no batch ran for a while, and forgets the tasks bound from it. */
  private Behavior<WorkerProtocol.Command> onSweepCode() {
    binder.closeIdleCode();
    batches.dropClosedTasks(); // also those of code closed to make room for newer code
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onCoordinatorsChanged(CoordinatorsChanged changed) {
    coordinators.listed(changed.listing().getServiceInstances(CoordinatorProtocol.SERVICE_KEY));
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRegistered(Registered registeredWith) {
    coordinators.accepted(registeredWith);
    return Behaviors.same();
  }

  private Behavior<WorkerProtocol.Command> onRegistrationRefused(RegistrationRefused refused) {
    coordinators.refused(refused);
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
    drain.finish();
    return Behaviors.same();
  }
}
