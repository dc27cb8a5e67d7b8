package cohort.bench.scale;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.bench.scale.ThreadCpu.Part;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import cohort.coordinator.LocalCoordinator;
import cohort.coordinator.inprocess.InProcessJobs;
import cohort.coordinator.job.JobState;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.WorkerProtocol;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One measured run: a real coordinator and {@code nodes} simulated nodes in one actor system, one
 * job of tiny {@code echo} inputs, and the coordinator's CPU, heap and membership costs at that
 * size.
 *
 * <p>In order: the coordinator starts as in {@code cohort submit}'s in-process cluster (an actor
 * system without Pekko's cluster, so nodes come and go by their workers' registration and stop, not
 * by membership events); the nodes are spawned, then register together (the coordinator's CPU per
 * registration, the heap per registered node); a job of a billion inputs in fixed batches runs for
 * a warm-up and a measured window (CPU per dispatch, throughput); the nodes then hold what they
 * get, so every pipeline fills and stays full (the heap per node with its pipeline), and some nodes
 * stop and others join while nothing else happens (the coordinator's CPU per change).
 */
final class ScaleRun {

  /**
   * What to run.
   *
   * @param nodes simulated nodes
   * @param slots slots each registers
   * @param batch inputs per batch (the job's {@code batch})
   * @param batchTime the task time nodes answering at once report per batch, which sets the
   *     coordinator's pipeline depth as real batches of that length would
   * @param rate dispatches per second the nodes' slots ask for together: each batch holds its slot
   *     for {@code nodes * slots / rate} seconds on average; zero: nodes answer at once
   * @param warmup how long the job runs before the window (at least two slot times)
   * @param window how long CPU and dispatches are counted (at least two slot times)
   * @param changes nodes stopped, then nodes joined, once pipelines are full
   * @param serialize every protocol message through Jackson CBOR and back
   */
  record Settings(
      int nodes,
      int slots,
      int batch,
      Duration batchTime,
      int rate,
      Duration warmup,
      Duration window,
      int changes,
      boolean serialize) {

    /** How long a batch holds its slot on average; zero when nodes answer at once. */
    Duration slotTime() {
      return rate == 0 ? Duration.ZERO : Duration.ofNanos(nodes * slots * 1_000_000_000L / rate);
    }

    /** The task time nodes report per batch. */
    Duration reported() {
      return rate == 0 ? batchTime : slotTime();
    }

    Duration warmupTime() {
      return max(warmup, slotTime().multipliedBy(2));
    }

    Duration windowTime() {
      return max(window, slotTime().multipliedBy(2));
    }

    private static Duration max(Duration a, Duration b) {
      return a.compareTo(b) >= 0 ? a : b;
    }
  }

  /**
   * What one run measured.
   *
   * @param dispatches batches the nodes received in the window
   * @param inputs inputs in them
   * @param batchMessages messages that carried them
   * @param resultMessages messages the nodes sent back
   * @param window the window's wall time
   * @param used CPU in the window
   * @param registerNanos the coordinator's CPU for the nodes' first registration, all of them
   * @param heapIdle heap after GC with the nodes spawned, before they registered
   * @param heapRegistered heap after GC with every node registered, before the job
   * @param heapFull heap after GC with the job running and every pipeline full
   * @param inFlight batches out on nodes when pipelines were full
   * @param leaveNanos the coordinator's CPU for the nodes that stopped, all of them
   * @param joinNanos the coordinator's CPU for the nodes that joined, all of them
   * @param joinBatches batches sent to the nodes that joined
   */
  record Result(
      Settings settings,
      long dispatches,
      long inputs,
      long batchMessages,
      long resultMessages,
      Duration window,
      ThreadCpu.Used used,
      long registerNanos,
      long heapIdle,
      long heapRegistered,
      long heapFull,
      long inFlight,
      long leaveNanos,
      long joinNanos,
      long joinBatches) {

    double coordinatorMicrosPerDispatch() {
      return used.of(Part.COORDINATOR) / 1e3 / dispatches;
    }

    /** CPU of the coordinator's actor threads (Pekko's default dispatcher) in the window. */
    long actorThreadNanos() {
      return used.byPool().getOrDefault(SYSTEM + "-pekko.actor.default-dispatcher", 0L);
    }

    double dispatchesPerSecond() {
      return dispatches / (window.toNanos() / 1e9);
    }
  }

  /** The actor system's name: the coordinator's threads are named after it. */
  static final String SYSTEM = "cohort";

  private static final Duration START = Duration.ofSeconds(60);

  private ScaleRun() {}

  static Result run(Settings settings, java.util.function.Consumer<String> progress)
      throws Exception {
    Config config = config(settings.serialize());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM, config);
    ScheduledExecutorService clock =
        Executors.newSingleThreadScheduledExecutor(
            task -> new Thread(task, ThreadCpu.NODES_DISPATCHER + "-clock"));
    try {
      LocalCoordinator local =
          CoordinatorApp.startCoordinator(system, CoordinatorSettings.fromConfig(config))
              .toCompletableFuture()
              .get(START.toSeconds(), TimeUnit.SECONDS);
      return new Measure(settings, system, local, clock, progress).run();
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(5, TimeUnit.MINUTES);
      } catch (java.util.concurrent.TimeoutException e) {
        progress.accept("the actor system did not stop within 5 minutes; going on without it");
      }
      clock.shutdownNow();
    }
  }

  /**
   * The coordinator's configuration as {@code cohort submit}'s in-process cluster has it, with the
   * nodes' dispatcher and, when asked, every protocol message serialized.
   */
  static Config config(boolean serialize) {
    String nodes =
        String.join(
            "\n",
            ThreadCpu.NODES_DISPATCHER + " {",
            "  type = Dispatcher",
            "  executor = fork-join-executor",
            "  fork-join-executor { parallelism-min = 1, parallelism-max = 1 }",
            "}");
    // Pekko's serialize-messages sends each message through its serializer and delivers the copy;
    // only the records that cross JVMs (cohort.protocol) are bound to it, so everything local to
    // the coordinator, the bench or Pekko is left as it is.
    String serialization =
        serialize
            ? String.join(
                "\n",
                "pekko.actor.serialize-messages = on",
                "pekko.actor.no-serialization-verification-needed-class-prefix = [",
                "  \"org.apache.pekko.\", \"cohort.coordinator.\", \"cohort.bench.\", \"java.\",",
                "  \"scala.\", \"cohort.api.\"]")
            : "";
    return ConfigFactory.parseString(nodes + "\n" + serialization)
        .withFallback(
            CoordinatorApp.loadConfig(
                Map.of(
                    "pekko.actor.provider",
                    "local",
                    "cohort.coordinator.http-port",
                    0,
                    "cohort.node.direct-calls",
                    false)))
        .resolve();
  }

  /** The steps of one run, against one coordinator. */
  private static final class Measure {
    private final Settings settings;
    private final ActorSystem<Void> system;
    private final LocalCoordinator local;
    private final ScheduledExecutorService clock;
    private final java.util.function.Consumer<String> progress;
    private final SimulatedNode.Counters counters = new SimulatedNode.Counters();
    private final List<ActorRef<WorkerProtocol.Command>> nodes = new ArrayList<>();
    private int spawned;

    Measure(
        Settings settings,
        ActorSystem<Void> system,
        LocalCoordinator local,
        ScheduledExecutorService clock,
        java.util.function.Consumer<String> progress) {
      this.settings = settings;
      this.system = system;
      this.local = local;
      this.clock = clock;
      this.progress = progress;
    }

    Result run() throws Exception {
      int n = settings.nodes();
      for (int i = 0; i < n; i++) {
        nodes.add(spawn());
      }
      long heapIdle = heapAfterGc();
      ThreadCpu.Snapshot before = ThreadCpu.take(SYSTEM);
      nodes.forEach(node -> node.tell(SimulatedNode.Register.INSTANCE));
      await("registrations", () -> counters.registered.sum() == n);
      awaitNodes(n);
      long registerNanos = ThreadCpu.between(before, ThreadCpu.take(SYSTEM)).of(Part.COORDINATOR);
      long heapRegistered = heapAfterGc();

      InProcessJobs jobs = new InProcessJobs(local);
      JobStatus job =
          jobs.submit(
              JobRequest.range("echo", "0..1000000000")
                  .withBatch(settings.batch())
                  .withOrdered(false));
      sleepTracing(settings.warmupTime(), job.id());
      long dispatched = counters.batches.sum();
      long inputs = counters.inputs.sum();
      long batchMessages = counters.batchMessages.sum();
      long resultMessages = counters.resultMessages.sum();
      ThreadCpu.Snapshot start = ThreadCpu.take(SYSTEM);
      sleepTracing(settings.windowTime(), job.id());
      ThreadCpu.Snapshot end = ThreadCpu.take(SYSTEM);
      dispatched = counters.batches.sum() - dispatched;
      inputs = counters.inputs.sum() - inputs;
      batchMessages = counters.batchMessages.sum() - batchMessages;
      resultMessages = counters.resultMessages.sum() - resultMessages;
      ThreadCpu.Used used = ThreadCpu.between(start, end);
      JobState running = jobState(job.id());
      if (running.terminal()) {
        throw new IllegalStateException(
            "the job ended before the window did: " + running.phase() + ", " + running.message());
      }
      progress.accept(
          String.format(
              "%d nodes: %d batches out, %d results delivered, %d inputs retried",
              n, running.inFlight().size(), running.delivered(), running.retried()));

      // Nodes now keep every batch unanswered: pipelines fill to their depth and stay there.
      nodes.forEach(node -> node.tell(SimulatedNode.Hold.INSTANCE));
      long inFlight = awaitFull(job.id());
      long heapFull = heapAfterGc();

      int k = Math.min(settings.changes(), n / 2);
      ThreadCpu.Snapshot beforeLeaves = ThreadCpu.take(SYSTEM);
      for (int i = 0; i < k; i++) {
        nodes.remove(nodes.size() - 1).tell(SimulatedNode.Stop.INSTANCE);
      }
      awaitNodes(n - k);
      long leaveNanos =
          ThreadCpu.between(beforeLeaves, ThreadCpu.take(SYSTEM)).of(Part.COORDINATOR);

      long sentBefore = counters.batches.sum();
      long registeredBefore = counters.registered.sum();
      ThreadCpu.Snapshot beforeJoins = ThreadCpu.take(SYSTEM);
      for (int i = 0; i < k; i++) {
        ActorRef<WorkerProtocol.Command> node = spawn();
        node.tell(SimulatedNode.Hold.INSTANCE);
        node.tell(SimulatedNode.Register.INSTANCE);
        nodes.add(node);
      }
      await("joins", () -> counters.registered.sum() == registeredBefore + k);
      awaitNodes(n);
      long joinNanos = ThreadCpu.between(beforeJoins, ThreadCpu.take(SYSTEM)).of(Part.COORDINATOR);
      long joinBatches = counters.batches.sum() - sentBefore;

      jobs.cancel(job.id());
      return new Result(
          settings,
          dispatched,
          inputs,
          batchMessages,
          resultMessages,
          Duration.ofNanos(used.wallNanos()),
          used,
          registerNanos,
          heapIdle,
          heapRegistered,
          heapFull,
          inFlight,
          leaveNanos,
          joinNanos,
          joinBatches);
    }

    /**
     * Waits; with {@code -Dcohort.scale.trace=true} prints what the job and the nodes did every
     * half second meanwhile.
     */
    private void sleepTracing(Duration time, String job) throws InterruptedException {
      if (!Boolean.getBoolean("cohort.scale.trace")) {
        Thread.sleep(time.toMillis());
        return;
      }
      long end = System.nanoTime() + time.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(500);
        JobState state = jobState(job);
        progress.accept(
            String.format(
                "trace: %d batches sent, %d result messages, job: %d out, %d delivered",
                counters.batches.sum(),
                counters.resultMessages.sum(),
                state.inFlight().size(),
                state.delivered()));
      }
    }

    private ActorRef<WorkerProtocol.Command> spawn() {
      return system.systemActorOf(
          SimulatedNode.create(
              local.coordinator(),
              settings.slots(),
              settings.reported().toNanos(),
              settings.slotTime(),
              clock,
              counters),
          "node-" + (++spawned),
          DispatcherSelector.fromConfig(ThreadCpu.NODES_DISPATCHER));
    }

    /** Waits until the coordinator's table holds {@code count} nodes. */
    private void awaitNodes(int count) throws InterruptedException {
      await(
          "the node table to hold " + count + " nodes",
          () -> cluster().nodes().nodes().size() == count);
    }

    /**
     * Waits until no batch has gone out for a while: every node holds what its pipeline takes.
     *
     * @return the batches out on nodes then
     */
    private long awaitFull(String job) throws InterruptedException {
      long last = -1;
      long now = counters.batches.sum();
      while (now != last) {
        Thread.sleep(200);
        last = now;
        now = counters.batches.sum();
      }
      return jobState(job).inFlight().size();
    }

    private ClientRequests.ClusterView cluster() {
      return ask(ClientRequests.GetCluster::new);
    }

    private JobState jobState(String id) {
      Optional<JobState> state =
          ask((ActorRef<Optional<JobState>> replyTo) -> new ClientRequests.GetJob(id, replyTo));
      return state.orElseThrow(() -> new IllegalStateException("no job " + id));
    }

    private <T> T ask(java.util.function.Function<ActorRef<T>, CoordinatorProtocol.Command> ask) {
      try {
        return AskPattern.ask(local.coordinator(), ask::apply, START, system.scheduler())
            .toCompletableFuture()
            .get(START.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the coordinator did not answer: " + e, e);
      }
    }

    private void await(String what, BooleanSupplier done) throws InterruptedException {
      long deadline = System.nanoTime() + START.toNanos();
      while (!done.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("gave up waiting for " + what + " after " + START);
        }
        Thread.sleep(1);
      }
    }
  }

  /** Heap in use after full collections: what is live. */
  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
