package cohort.node;

import cohort.messages.CoordinatorProtocol;
import cohort.messages.CoordinatorProtocol.BatchFinished;
import cohort.messages.CoordinatorProtocol.RegisterNode;
import cohort.messages.HostPort;
import cohort.messages.WorkerProtocol;
import cohort.messages.WorkerProtocol.CancelJob;
import cohort.messages.WorkerProtocol.CheckTask;
import cohort.messages.WorkerProtocol.Registered;
import cohort.messages.WorkerProtocol.RegistrationRefused;
import cohort.messages.WorkerProtocol.RunBatch;
import cohort.messages.WorkerProtocol.TaskChecked;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A node's worker: owns the node's slots and runs the coordinator's batches on them.
 *
 * <p>It finds the coordinator through the receptionist and registers with it, again whenever a
 * coordinator appears. Each batch runs on a slot thread of a dedicated executor; its results are
 * piped back to this actor, which sends them to the coordinator and starts the next queued batch.
 * The coordinator sends no more batches than the node has credit for, so the queue stays short.
 *
 * <p>Protocol: {@link WorkerProtocol}.
 */
public final class Worker extends AbstractBehavior<WorkerProtocol.Command> {

  /** Bound tasks are cached per job; a node rarely serves more jobs at once than this. */
  private static final int BOUND_TASK_CACHE = 64;

  /** Cancelled job ids remembered, so a batch already on its way is dropped, not run. */
  private static final int CANCELLED_MEMORY = 1024;

  private record BatchRan(RunBatch batch, List<BatchFinished> parts, Throwable failure)
      implements WorkerProtocol.Command {}

  private record CoordinatorsChanged(Receptionist.Listing listing)
      implements WorkerProtocol.Command {}

  private record RunningBatch(RunBatch batch, BatchControl control) {}

  private final int slots;
  private final TaskRegistry registry;
  private final ExecutorService executor;
  private final BatchRunner runner;
  private final String node;
  private final CompletableFuture<String> registered;

  private final ArrayDeque<RunBatch> queued = new ArrayDeque<>();
  private final Map<String, RunningBatch> running = new HashMap<>();
  private final Set<ActorRef<CoordinatorProtocol.Command>> coordinators = new HashSet<>();
  private final Map<String, BoundTask> boundTasks = lru(BOUND_TASK_CACHE);
  private final Set<String> cancelledJobs = Collections.newSetFromMap(lru(CANCELLED_MEMORY));

  /**
   * Creates the worker.
   *
   * @param slots inputs run at once
   * @param registry the tasks this node offers
   * @param executor runs batches, one per slot thread; shut down when the worker stops
   * @param registered completed with the coordinator's address once it accepts this node, or
   *     exceptionally when it refuses
   */
  public static Behavior<WorkerProtocol.Command> create(
      int slots,
      TaskRegistry registry,
      ExecutorService executor,
      CompletableFuture<String> registered) {
    return Behaviors.setup(
        context -> new Worker(context, slots, registry, executor, registered));
  }

  private Worker(
      ActorContext<WorkerProtocol.Command> context,
      int slots,
      TaskRegistry registry,
      ExecutorService executor,
      CompletableFuture<String> registered) {
    super(context);
    this.slots = slots;
    this.registry = registry;
    this.executor = executor;
    this.registered = registered;
    this.node = HostPort.of(Cluster.get(context.getSystem()).selfMember().address()).toString();
    this.runner = new BatchRunner(node, context.getSelf());
    ActorRef<Receptionist.Listing> listings =
        context.messageAdapter(Receptionist.Listing.class, CoordinatorsChanged::new);
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.subscribe(CoordinatorProtocol.SERVICE_KEY, listings));
    context.getLog().info("node {} started with {} slots; tasks: {}", node, slots, registry.names());
  }

  @Override
  public Receive<WorkerProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RunBatch.class, this::onRunBatch)
        .onMessage(BatchRan.class, this::onBatchRan)
        .onMessage(CancelJob.class, this::onCancelJob)
        .onMessage(CheckTask.class, this::onCheckTask)
        .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChanged)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(RegistrationRefused.class, this::onRegistrationRefused)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<WorkerProtocol.Command> onRunBatch(RunBatch batch) {
    if (cancelledJobs.contains(batch.jobId())) {
      batch.replyTo().tell(runner.dropped(batch));
      return this;
    }
    queued.addLast(batch);
    startQueued();
    return this;
  }

  private void startQueued() {
    while (running.size() < slots && !queued.isEmpty()) {
      RunBatch batch = queued.pollFirst();
      BoundTask task;
      try {
        task = boundTasks.computeIfAbsent(batch.jobId(), job -> registry.bind(batch.task()));
      } catch (IllegalArgumentException e) {
        // The coordinator checks tasks before it accepts a job, so this means the node's tasks
        // changed under it; every input of the batch reports why.
        runner.failAll(batch, "cohort.NodeError", e.getMessage()).forEach(batch.replyTo()::tell);
        continue;
      }
      BatchControl control = new BatchControl();
      running.put(key(batch), new RunningBatch(batch, control));
      CompletableFuture<List<BatchFinished>> result =
          CompletableFuture.supplyAsync(() -> runner.run(batch, task, control), executor);
      getContext().pipeToSelf(result, (parts, failure) -> new BatchRan(batch, parts, failure));
    }
  }

  private Behavior<WorkerProtocol.Command> onBatchRan(BatchRan ran) {
    running.remove(key(ran.batch()));
    if (ran.failure() != null) {
      getContext()
          .getLog()
          .error("batch {} of job {} crashed its slot", ran.batch().batchId(), ran.batch().jobId(),
              ran.failure());
      runner
          .failAll(ran.batch(), "cohort.NodeError", "the slot crashed: " + ran.failure())
          .forEach(ran.batch().replyTo()::tell);
    } else {
      ran.parts().forEach(part -> ran.batch().replyTo().tell(part));
    }
    startQueued();
    return this;
  }

  private Behavior<WorkerProtocol.Command> onCancelJob(CancelJob cancel) {
    if (!cancelledJobs.add(cancel.jobId())) {
      return this;
    }
    boundTasks.remove(cancel.jobId());
    int dropped = 0;
    for (Iterator<RunBatch> it = queued.iterator(); it.hasNext(); ) {
      RunBatch batch = it.next();
      if (batch.jobId().equals(cancel.jobId())) {
        it.remove();
        batch.replyTo().tell(runner.dropped(batch));
        dropped++;
      }
    }
    int interrupted = 0;
    for (RunningBatch run : running.values()) {
      if (run.batch().jobId().equals(cancel.jobId())) {
        run.control().cancel();
        interrupted++;
      }
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

  private Behavior<WorkerProtocol.Command> onCheckTask(CheckTask check) {
    try {
      registry.bind(check.task());
      check.replyTo().tell(new TaskChecked(null));
    } catch (IllegalArgumentException e) {
      check.replyTo().tell(new TaskChecked(e.getMessage()));
    }
    return this;
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
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRegistered(Registered registeredWith) {
    getContext().getLog().info("node {} registered with coordinator {}", node,
        registeredWith.coordinator());
    registered.complete(registeredWith.coordinator());
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRegistrationRefused(RegistrationRefused refused) {
    getContext().getLog().error("the coordinator refused node {}: {}", node, refused.reason());
    registered.completeExceptionally(new IllegalStateException(refused.reason()));
    return Behaviors.stopped();
  }

  private Behavior<WorkerProtocol.Command> onPostStop() {
    running.values().forEach(run -> run.control().cancel());
    executor.shutdownNow();
    return this;
  }

  private static String key(RunBatch batch) {
    return batch.jobId() + "#" + batch.batchId();
  }

  private static <K, V> Map<K, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
