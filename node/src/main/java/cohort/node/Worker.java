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
import cohort.protocol.WorkerProtocol.TaskChecked;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A node's worker: owns the node's slots and runs the coordinator's batches on them.
 *
 * <p>It finds the coordinator through the receptionist and registers with it, again whenever a
 * coordinator appears. Batches run on the slot threads of a dedicated executor: a free slot takes
 * the next queued batch, or a run of small queued batches, which it runs back to back; each batch's
 * results come back to this actor as a message, and the actor sends them on, the results of one
 * round of messages together. The coordinator sends no more batches than the node has credit for,
 * so the queue stays short.
 *
 * <p>A watchdog tick interrupts inputs that run past their job's timeout, and gives up on a slot
 * thread whose task ignores the interrupt (or a cancel): the worker reports the batch, adds a
 * thread so the node keeps its capacity, and ignores whatever the lost thread returns later. On
 * {@link Drain} it takes no more work, returns what it has not started, and answers once the
 * running batches are done or the drain timeout has passed.
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

  private record BatchRan(RunBatch batch, List<BatchFinished> parts, Throwable failure)
      implements WorkerProtocol.Command {}

  /** A job's task was bound, or could not be: {@code error} says why. */
  private record TaskBound(String job, BoundTask task, String error)
      implements WorkerProtocol.Command {}

  /** The answer to a {@link CheckTask}, once its bind ended. */
  private record Checked(ActorRef<TaskChecked> replyTo, String error)
      implements WorkerProtocol.Command {}

  /** A slot thread finished its run of batches. */
  private record SlotFree(long run) implements WorkerProtocol.Command {}

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

  /** Batches one slot may take to run back to back, when they are small. */
  private static final int MAX_RUN = 64;

  /** Batches of at most this many inputs are small: they may share a run and a message. */
  private static final int SMALL_BATCH = 16;

  private final int slots;
  private final TaskRegistry registry;
  private final ThreadPoolExecutor executor;
  private final TimerScheduler<WorkerProtocol.Command> timers;
  private final BatchRunner runner;
  private final FileInputs files = new FileInputs();
  private final String node;
  private final CompletableFuture<String> registered;

  private final ArrayDeque<RunBatch> queued = new ArrayDeque<>();
  private final Map<BatchKey, RunningBatch> running = new HashMap<>();
  private final Set<ActorRef<CoordinatorProtocol.Command>> coordinators = new HashSet<>();
  private final Jobs jobs = new Jobs();
  private final TaskBinder binder;
  private final List<ActorRef<Done>> drainWaiters = new ArrayList<>();
  private final Set<Long> abandonedRuns = new HashSet<>();
  private final Outbox outbox;
  private final Watchdog watchdog;
  private int busySlots;
  private long runs;
  private boolean draining;

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
    this.timers = timers;
    this.slots = slots;
    this.registry = registry;
    this.executor = executor;
    this.registered = registered;
    this.node = HostPort.of(Cluster.get(context.getSystem()).selfMember().address()).toString();
    this.runner = new BatchRunner(node, context.getSelf(), files);
    this.outbox = new Outbox(context.getSelf());
    this.watchdog = new Watchdog(node);
    this.binder = new TaskBinder(registry);
    ActorRef<Receptionist.Listing> listings =
        context.messageAdapter(Receptionist.Listing.class, CoordinatorsChanged::new);
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.subscribe(CoordinatorProtocol.SERVICE_KEY, listings));
    Cluster.get(context.getSystem())
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ClusterEvent.MemberRemoved.class, MemberRemoved::new),
                ClusterEvent.MemberRemoved.class));
    context
        .getLog()
        .info("node {} started with {} slots; tasks: {}", node, slots, registry.names());
  }

  @Override
  public Receive<WorkerProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RunBatch.class, this::onRunBatch)
        .onMessage(WorkerProtocol.RunBatches.class, this::onRunBatches)
        .onMessage(BatchRan.class, this::onBatchRan)
        .onMessage(SlotFree.class, this::onSlotFree)
        .onMessageEquals(FlushOutbox.INSTANCE, this::onFlushOutbox)
        .onMessage(CancelJob.class, this::onCancelJob)
        .onMessage(CheckTask.class, this::onCheckTask)
        .onMessage(Checked.class, this::onChecked)
        .onMessage(TaskBound.class, this::onTaskBound)
        .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChanged)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(RegistrationRefused.class, this::onRegistrationRefused)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessageEquals(DrainDeadline.INSTANCE, this::onDrainDeadline)
        .onMessageEquals(DrainGraceOver.INSTANCE, this::onDrainGraceOver)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // ---- running batches ----------------------------------------------------------------------

  private Behavior<WorkerProtocol.Command> onRunBatch(RunBatch batch) {
    accept(batch);
    startQueued();
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRunBatches(WorkerProtocol.RunBatches batches) {
    batches.batches().forEach(this::accept);
    startQueued();
    return this;
  }

  private void accept(RunBatch batch) {
    if (draining || jobs.cancelled(batch.jobId())) {
      send(batch, runner.dropped(batch));
    } else {
      bind(batch);
      queued.addLast(batch);
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
      return this; // cancelled meanwhile
    }
    if (bound.error() != null) {
      // The coordinator checks tasks before it accepts a job, so this means the node's tasks
      // changed under it, or the task's validate is too slow; every input reports why.
      getContext().getLog().warn("job {}: {}", bound.job(), bound.error());
      for (Iterator<RunBatch> it = queued.iterator(); it.hasNext(); ) {
        RunBatch batch = it.next();
        if (batch.jobId().equals(bound.job())) {
          it.remove();
          runner
              .failAll(batch, "cohort.NodeError", bound.error())
              .forEach(part -> send(batch, part));
        }
      }
    }
    startQueued();
    return this;
  }

  /** Gives free slots work: the next queued batch, or a run of small ones back to back. */
  private void startQueued() {
    while (busySlots < slots && !queued.isEmpty()) {
      List<RunningBatch> run = new ArrayList<>();
      long id = ++runs;
      while (!queued.isEmpty() && run.size() < MAX_RUN) {
        RunBatch batch = queued.peekFirst();
        boolean small = batch.inputs().size() <= SMALL_BATCH;
        if (!run.isEmpty() && (!small || run.get(0).batch().inputs().size() > SMALL_BATCH)) {
          break;
        }
        BoundTask task = jobs.task(batch.jobId());
        if (task == null) {
          bind(batch); // its task is still binding, or was bound so long ago it was forgotten
          break;
        }
        queued.pollFirst();
        RunningBatch running = new RunningBatch(batch, new BatchControl(), id, task);
        this.running.put(RunningBatch.keyOf(batch), running);
        run.add(running);
        if (batch.taskTimeoutMillis() > 0) {
          watch();
        }
      }
      if (run.isEmpty()) {
        return; // the next batch waits for its task
      }
      busySlots++;
      run.get(0).control().takeUp();
      ActorRef<WorkerProtocol.Command> self = getContext().getSelf();
      executor.execute(() -> runAll(run, self));
    }
  }

  /**
   * On a slot thread: runs the batches one after the other, reporting each as it ends. The first
   * was taken up as it was handed over; each later one is taken up unless it was withdrawn.
   */
  private void runAll(List<RunningBatch> run, ActorRef<WorkerProtocol.Command> self) {
    try {
      for (RunningBatch batch : run) {
        if (batch != run.get(0) && !batch.control().takeUp()) {
          continue;
        }
        try {
          self.tell(
              new BatchRan(
                  batch.batch(), runner.run(batch.batch(), batch.task(), batch.control()), null));
        } catch (VirtualMachineError fatal) {
          throw fatal;
        } catch (Throwable failure) {
          self.tell(new BatchRan(batch.batch(), null, failure));
        }
      }
    } finally {
      self.tell(new SlotFree(run.get(0).run()));
    }
  }

  private Behavior<WorkerProtocol.Command> onBatchRan(BatchRan ran) {
    RunningBatch run = running.get(RunningBatch.keyOf(ran.batch()));
    if (run == null || run.control().abandoned()) {
      return this; // reported when its thread was given up
    }
    running.remove(RunningBatch.keyOf(ran.batch()));
    if (ran.failure() != null) {
      getContext()
          .getLog()
          .error(
              "batch {} of job {} crashed its slot",
              ran.batch().batchId(),
              ran.batch().jobId(),
              ran.failure());
      runner
          .failAll(ran.batch(), "cohort.NodeError", "the slot crashed: " + ran.failure())
          .forEach(part -> send(ran.batch(), part));
    } else {
      ran.parts().forEach(part -> send(ran.batch(), part));
    }
    return this;
  }

  private Behavior<WorkerProtocol.Command> onSlotFree(SlotFree free) {
    if (abandonedRuns.remove(free.run())) {
      // A thread given up for lost came back; its slot was replaced when it was given up.
      resizeExecutor(-1);
      return this;
    }
    busySlots--;
    startQueued();
    if (draining && running.isEmpty()) {
      finishDrain();
    }
    return this;
  }

  /**
   * Queues a result for the coordinator. Results are sent when the messages already waiting for
   * this actor have been handled, those of small batches together in one message.
   */
  private void send(RunBatch batch, BatchFinished part) {
    if (outbox.result(batch.replyTo(), part)) {
      getContext().getSelf().tell(FlushOutbox.INSTANCE);
    }
  }

  private Behavior<WorkerProtocol.Command> onFlushOutbox() {
    outbox.flush().forEach(envelope -> envelope.to().tell(envelope.message()));
    return this;
  }

  private Behavior<WorkerProtocol.Command> onCancelJob(CancelJob cancel) {
    if (!jobs.cancel(cancel.jobId())) {
      return this;
    }
    int dropped = 0;
    for (Iterator<RunBatch> it = queued.iterator(); it.hasNext(); ) {
      RunBatch batch = it.next();
      if (batch.jobId().equals(cancel.jobId())) {
        it.remove();
        send(batch, runner.dropped(batch));
        dropped++;
      }
    }
    int interrupted = 0;
    for (RunningBatch run : List.copyOf(running.values())) {
      if (!run.batch().jobId().equals(cancel.jobId())) {
        continue;
      }
      if (run.control().withdraw()) {
        running.remove(run.key());
        send(run.batch(), runner.dropped(run.batch()));
        dropped++;
      } else {
        run.control().cancel();
        interrupted++;
      }
    }
    if (interrupted > 0) {
      watch();
    }
    if (dropped + interrupted > 0) {
      getContext()
          .getLog()
          .info(
              "job {} cancelled: interrupted {} running and dropped {} queued batches",
              cancel.jobId(),
              interrupted,
              dropped);
    }
    return this;
  }

  // ---- the watchdog -------------------------------------------------------------------------

  /** Starts the watchdog tick unless it runs already. */
  private void watch() {
    if (!timers.isTimerActive(Tick.INSTANCE)) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
    }
  }

  private Behavior<WorkerProtocol.Command> onTick() {
    Watchdog.Findings found = watchdog.inspect(List.copyOf(running.values()));
    found.timeOuts().forEach(late -> late.batch().control().timeOut(late.offset()));
    found.giveUps().forEach(this::giveUp);
    if (!found.watching()) {
      timers.cancel(Tick.INSTANCE);
    }
    return this;
  }

  /**
   * Reports a batch whose thread will not come back in time, adds a thread so the node keeps its
   * slots, and frees the slot for the next batch.
   */
  private void giveUp(Watchdog.GiveUp stuck) {
    RunningBatch run = stuck.batch();
    if (!running.containsKey(run.key())) {
      return; // given up already, with the rest of its run
    }
    run.control().abandon();
    running.remove(run.key());
    send(run.batch(), stuck.report(runner));
    // The batches waiting behind it on that thread go back to the coordinator to run elsewhere.
    for (RunningBatch waiting : List.copyOf(running.values())) {
      if (waiting.run() == run.run()) {
        waiting.control().abandon();
        running.remove(waiting.key());
        send(waiting.batch(), runner.dropped(waiting.batch()));
      }
    }
    abandonedRuns.add(run.run());
    busySlots--;
    resizeExecutor(+1);
    getContext()
        .getLog()
        .warn(
            "gave up a slot thread running job {} because {}; the slot is replaced ({} threads"
                + " given up)",
            run.batch().jobId(),
            stuck.why(),
            abandonedRuns.size());
    startQueued();
    if (draining && running.isEmpty()) {
      finishDrain();
    }
  }

  private void resizeExecutor(int delta) {
    int size = executor.getMaximumPoolSize() + delta;
    if (delta > 0) {
      executor.setMaximumPoolSize(size);
      executor.setCorePoolSize(size);
    } else {
      executor.setCorePoolSize(size);
      executor.setMaximumPoolSize(size);
    }
  }

  // ---- draining -----------------------------------------------------------------------------

  private Behavior<WorkerProtocol.Command> onDrain(Drain drain) {
    drainWaiters.add(drain.replyTo());
    if (draining) {
      return this;
    }
    draining = true;
    coordinators.forEach(coordinator -> coordinator.tell(new NodeDraining(getContext().getSelf())));
    for (RunBatch batch : queued) {
      send(batch, runner.dropped(batch));
    }
    int returned = queued.size();
    queued.clear();
    // Batches waiting their turn on a slot thread have not started: they go back too.
    for (RunningBatch run : List.copyOf(running.values())) {
      if (run.control().withdraw()) {
        running.remove(run.key());
        send(run.batch(), runner.dropped(run.batch()));
        returned++;
      }
    }
    reportJvmExit();
    getContext()
        .getLog()
        .info(
            "node {} draining: finishing {} running batches within {} s, returned {} queued",
            node,
            running.size(),
            drain.timeout().toSeconds(),
            returned);
    if (running.isEmpty()) {
      finishDrain();
    } else {
      timers.startSingleTimer(DrainDeadline.INSTANCE, drain.timeout());
    }
    return this;
  }

  /** A task that called {@code System.exit} started this shutdown: report it at once. */
  private void reportJvmExit() {
    List<Watchdog.GiveUp> exiting = watchdog.exiting(List.copyOf(running.values()));
    exiting.forEach(this::giveUp);
    if (!exiting.isEmpty()) {
      getContext().getLog().error("a task called System.exit; reported its input");
      onFlushOutbox(); // the JVM is on its way out
    }
  }

  private Behavior<WorkerProtocol.Command> onDrainDeadline() {
    getContext()
        .getLog()
        .warn("drain timeout passed with {} batches running; interrupting them", running.size());
    running.values().forEach(run -> run.control().cancel());
    timers.startSingleTimer(DrainGraceOver.INSTANCE, DRAIN_GRACE);
    return this;
  }

  private Behavior<WorkerProtocol.Command> onDrainGraceOver() {
    watchdog.drainGraceOver(List.copyOf(running.values())).forEach(this::giveUp);
    finishDrain();
    return this;
  }

  private void finishDrain() {
    onFlushOutbox();
    timers.cancel(DrainDeadline.INSTANCE);
    timers.cancel(DrainGraceOver.INSTANCE);
    if (!drainWaiters.isEmpty()) {
      getContext().getLog().info("node {} drained", node);
    }
    drainWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
    drainWaiters.clear();
  }

  // ---- coordinator ---------------------------------------------------------------------------

  private Behavior<WorkerProtocol.Command> onCheckTask(CheckTask check) {
    getContext()
        .pipeToSelf(
            binder.bind(check.task()),
            (task, failure) ->
                new Checked(check.replyTo(), failure == null ? null : TaskBinder.reason(failure)));
    return this;
  }

  private Behavior<WorkerProtocol.Command> onChecked(Checked checked) {
    checked.replyTo().tell(new TaskChecked(checked.error()));
    return this;
  }

  private Behavior<WorkerProtocol.Command> onCoordinatorsChanged(CoordinatorsChanged changed) {
    Set<ActorRef<CoordinatorProtocol.Command>> current =
        changed.listing().getServiceInstances(CoordinatorProtocol.SERVICE_KEY);
    coordinators.retainAll(current);
    for (ActorRef<CoordinatorProtocol.Command> coordinator : current) {
      if (coordinators.add(coordinator) && !draining) {
        coordinator.tell(
            new RegisterNode(
                getContext().getSelf(), slots, registry.describe(), CoordinatorProtocol.VERSION));
      }
    }
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRegistered(Registered registeredWith) {
    if (registeredWith.httpUrl() != null) {
      files.coordinatorUrl(registeredWith.httpUrl());
    }
    if (!registered.isDone()) {
      getContext()
          .getLog()
          .info("node {} registered with coordinator {}", node, registeredWith.coordinator());
      registered.complete(registeredWith.coordinator());
    }
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRegistrationRefused(RegistrationRefused refused) {
    getContext().getLog().error("the coordinator refused node {}: {}", node, refused.reason());
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
      getContext()
          .getLog()
          .warn(
              "the coordinator {} left the cluster; node {} will join again",
              HostPort.of(member.address()),
              node);
      CoordinatedShutdown.get(getContext().getSystem()).run(NodeApp.CoordinatorLost.INSTANCE);
    }
    return this;
  }

  private Behavior<WorkerProtocol.Command> onPostStop() {
    onFlushOutbox();
    running.values().forEach(run -> run.control().cancel());
    executor.shutdownNow();
    binder.close();
    finishDrain();
    return this;
  }
}
