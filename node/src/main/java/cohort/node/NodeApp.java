package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.cluster.SelfMember;
import cohort.protocol.security.ClusterTls;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Starts nodes: an actor system that joins the coordinator and runs a {@link Worker}, and the
 * {@link Runner} that keeps a node JVM in the cluster across coordinator restarts.
 */
public final class NodeApp {

  /** Slot threads are named with this prefix, so thread dumps show which threads run user code. */
  public static final String SLOT_THREAD_PREFIX = "cohort-slot-";

  private NodeApp() {}

  /**
   * Loads a node's configuration: {@code overrides} (from command-line flags) over {@code
   * node.conf} (with its environment variables) over Pekko's defaults. System properties win.
   */
  public static Config loadConfig(Map<String, ?> overrides) {
    return ConfigFactory.systemProperties()
        .withFallback(ConfigFactory.parseMap(overrides))
        .withFallback(ConfigFactory.parseResources("node.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /**
   * Adds the Pekko settings that follow from the node's settings: address (advertised and bound),
   * seeds, transport, and a shutdown phase long enough to drain.
   */
  public static Config clusterConfig(NodeSettings settings, Config config) {
    Map<String, Object> pekko =
        new HashMap<>(settings.host().arterySettings(settings.clusterPort()));
    pekko.put(
        "pekko.cluster.seed-nodes",
        settings.join().stream()
            .map(join -> "pekko://" + CoordinatorProtocol.SYSTEM_NAME + "@" + join)
            .toList());
    pekko.put(
        "pekko.coordinated-shutdown.phases.before-service-unbind.timeout",
        (settings.drainTimeout().toMillis() + 10_000) + "ms");
    return ConfigFactory.parseMap(pekko)
        .withFallback(ClusterTls.configure(config, settings.host()));
  }

  /** Why a node's actor system stops when its coordinator is gone: it rejoins in a new one. */
  public static final class CoordinatorLost implements CoordinatedShutdown.Reason {
    static final CoordinatorLost INSTANCE = new CoordinatorLost();

    private CoordinatorLost() {}

    @Override
    public String toString() {
      return "CoordinatorLost";
    }
  }

  /**
   * The tasks of a node: the built-in ones, and those in the jars of its plugin folder.
   *
   * @throws IllegalStateException when a plugin cannot be loaded, naming it
   */
  public static TaskRegistry tasks(NodeSettings settings) {
    return TaskRegistry.load(Plugins.classLoader(settings.plugins()), settings.allowExec());
  }

  /**
   * Starts the worker in a running actor system once this member is Up (at once in a system without
   * the cluster, see {@link SelfMember}), and drains it when the JVM shuts down.
   *
   * @param registry the tasks the node offers
   * @param drainTimeout how long running batches may take to finish when the node stops
   * @return completed with the coordinator's address once it accepts the node
   */
  public static CompletionStage<String> init(
      ActorSystem<?> system, TaskRegistry registry, int workers, Duration drainTimeout) {
    return init(system, registry, workers, drainTimeout, Optional.empty());
  }

  /**
   * As {@link #init(ActorSystem, TaskRegistry, int, Duration)}, with what checks the coordinator's
   * HTTPS certificate when it serves HTTPS ({@code trust}; empty for the JDK's CAs alone).
   */
  public static CompletionStage<String> init(
      ActorSystem<?> system,
      TaskRegistry registry,
      int workers,
      Duration drainTimeout,
      Optional<SSLContext> trust) {
    CompletableFuture<String> registered = new CompletableFuture<>();
    AtomicReference<ActorRef<cohort.protocol.WorkerProtocol.Command>> worker =
        new AtomicReference<>();
    SelfMember.whenUp(
        system,
        () -> {
          NodeAccess access = new NodeAccess(trust);
          String direct;
          try {
            direct = DirectPort.start(system, registry, access, workers);
          } catch (java.io.UncheckedIOException e) {
            // The node cannot serve as configured: say why, as a refused registration does.
            registered.completeExceptionally(new IllegalStateException(e.getCause().getMessage()));
            return;
          }
          worker.set(
              system.systemActorOf(
                  Worker.create(
                      new WorkerSetup(
                          workers,
                          registry,
                          slotExecutor(workers),
                          registered,
                          direct,
                          access,
                          Outbox.START_REPORT_DELAY)),
                  "worker",
                  Props.empty()));
        });
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "drain-worker",
            () -> drain(system, worker.get(), drainTimeout));
    return registered;
  }

  /** Drains the worker when the JVM or the user stops the node; not when it lost the cluster. */
  private static CompletionStage<Done> drain(
      ActorSystem<?> system,
      ActorRef<cohort.protocol.WorkerProtocol.Command> worker,
      Duration timeout) {
    boolean stopping =
        CoordinatedShutdown.get(system)
            .getShutdownReason()
            .map(
                reason ->
                    reason == CoordinatedShutdown.jvmExitReason()
                        || reason == CoordinatedShutdown.unknownReason())
            .orElse(false);
    if (worker == null || !stopping) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return AskPattern.ask(
        worker,
        (ActorRef<Done> replyTo) -> new Worker.Drain(timeout, replyTo),
        timeout.plusSeconds(5),
        system.scheduler());
  }

  /** One thread per slot, grown by the worker when it gives up a thread stuck in user code. */
  static ThreadPoolExecutor slotExecutor(int slots) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads =
        runnable -> {
          Thread thread = new Thread(runnable, SLOT_THREAD_PREFIX + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    return new ThreadPoolExecutor(
        slots, slots, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
  }

  /** The address this node's cluster member has, as {@code host:port}. */
  public static String address(ActorSystem<?> system) {
    return SelfMember.address(system);
  }

  /** What a node JVM tells the one who started it. */
  public interface Listener {
    /**
     * The coordinator accepted the node; called again after each rejoin, with {@code again} true
     * once a coordinator had accepted it before.
     */
    void registered(String node, String coordinator, boolean again);

    /** The node lost its coordinator and rejoins in a new actor system. */
    void rejoining(String reason);
  }

  /**
   * Keeps a node JVM in the cluster: runs one actor system per membership and, when the coordinator
   * is gone (it left, or the node downed itself when it stopped answering), starts a new one that
   * joins again and waits for a coordinator to come back. It ends when the JVM shuts down or the
   * coordinator refuses the node.
   */
  public static final class Runner {

    private static final Duration REJOIN_PAUSE = Duration.ofMillis(200);

    private final Config config;
    private final NodeSettings settings;
    private final TaskRegistry registry;
    private final AtomicReference<ActorSystem<Void>> current = new AtomicReference<>();
    private volatile boolean stopping;

    /**
     * @throws IllegalArgumentException when a setting is invalid
     * @throws IllegalStateException when a plugin cannot be loaded
     */
    public Runner(Config config) {
      this.config = config;
      this.settings = NodeSettings.fromConfig(config);
      this.registry = tasks(settings);
    }

    public NodeSettings settings() {
      return settings;
    }

    /** The actor system of the current membership, if one runs. */
    public ActorSystem<Void> system() {
      return current.get();
    }

    /** Says the JVM is stopping: the runner starts no new membership. */
    public void stop() {
      stopping = true;
    }

    /**
     * Runs memberships until the node stops for good.
     *
     * @throws IllegalStateException when the coordinator refuses the node
     */
    public void run(Listener listener) {
      // Whether a coordinator accepted this node before: a membership that ended before that (the
      // node downed while it joined, on a loaded machine) is not a rejoin, and the node has yet to
      // say it is ready.
      java.util.concurrent.atomic.AtomicBoolean accepted =
          new java.util.concurrent.atomic.AtomicBoolean();
      while (!stopping) {
        ActorSystem<Void> system;
        Config configured = clusterConfig(settings, config);
        Optional<SSLContext> trust =
            ClusterTls.httpsTrust(configured, settings.host().advertised());
        try {
          system =
              ActorSystem.create(Behaviors.empty(), CoordinatorProtocol.SYSTEM_NAME, configured);
        } catch (IllegalStateException e) {
          return; // the JVM began to shut down while the system started
        }
        current.set(system);
        JoinWatch.start(system, settings.join());
        CompletableFuture<Void> refused = new CompletableFuture<>();
        init(system, registry, settings.workers(), settings.drainTimeout(), trust)
            .whenComplete(
                (coordinator, failure) -> {
                  if (failure != null) {
                    refused.completeExceptionally(failure);
                    system.terminate();
                  } else {
                    listener.registered(address(system), coordinator, accepted.getAndSet(true));
                  }
                });
        system.getWhenTerminated().toCompletableFuture().join();
        if (refused.isCompletedExceptionally()) {
          throw new IllegalStateException(
              "the coordinator refused this node: "
                  + refused.handle((v, e) -> e.getMessage()).join());
        }
        String reason =
            CoordinatedShutdown.get(system)
                .getShutdownReason()
                .map(Object::toString)
                .orElse("unknown");
        if (stopping
            || CoordinatedShutdown.get(system).getShutdownReason().orElse(null)
                == CoordinatedShutdown.jvmExitReason()) {
          return;
        }
        listener.rejoining(reason);
        try {
          Thread.sleep(REJOIN_PAUSE.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
