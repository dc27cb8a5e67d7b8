package cohort.cli.local;

import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import cohort.node.NodeApp;
import cohort.node.TaskRegistry;
import cohort.protocol.CoordinatorProtocol;
import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole cluster inside this JVM: one actor system that is both coordinator and node, serving HTTP
 * on a free loopback port. {@code cohort submit} uses it when no coordinator is given, so a job
 * runs on a fresh machine with nothing started. No other JVM can join it, so its actor system is
 * not a cluster member ({@link cohort.protocol.cluster.SelfMember}): the coordinator and the node
 * start at once and the node registers at once, without the transport or the membership protocol,
 * whose start and leave took most of a second of every {@code cohort submit}.
 *
 * <p>It starts in two steps, so the command line can be read while the coordinator starts: {@link
 * #begin} starts the coordinator on a thread of its own, {@link Starting#withNode} adds the node
 * once the number of slots is known.
 */
public final class EmbeddedCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);

  /**
   * How long a JVM stopped by a signal waits for the command using the cluster to close it, so the
   * command can say how its job ended before the JVM is gone.
   */
  static final Duration REPORT_WAIT = Duration.ofSeconds(15);

  private final ActorSystem<Void> system;
  private final URI url;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread awaitClose;

  private EmbeddedCluster(ActorSystem<Void> system, URI url) {
    this.system = system;
    this.url = url;
    // SIGTERM stops the cluster from a shutdown hook while the command still follows its job; the
    // JVM would end as soon as the hooks had, often before the command could say why it stops.
    this.awaitClose = new Thread(this::awaitClose, "embedded-cluster-await-close");
    Runtime.getRuntime().addShutdownHook(awaitClose);
  }

  private void awaitClose() {
    try {
      closed.await(REPORT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts the cluster and waits until its node has registered.
   *
   * @param workers the node's slots
   * @throws IllegalStateException when it does not come up within {@code timeout}
   */
  public static EmbeddedCluster start(int workers, Duration timeout) {
    return begin().withNode(workers, timeout);
  }

  /**
   * Starts the coordinator (its actor system, the coordinator, its HTTP API) on a thread of its
   * own, and returns at once.
   */
  public static Starting begin() {
    Starting starting = new Starting();
    Thread thread = new Thread(starting::startCoordinator, "cohort-in-process-start");
    thread.setDaemon(true);
    thread.start();
    return starting;
  }

  /** A cluster whose coordinator is starting; it gets its node from {@link #withNode}. */
  public static final class Starting {

    private final long begin = System.nanoTime();
    private final CompletableFuture<Coordinator> coordinator = new CompletableFuture<>();

    private record Coordinator(
        ActorSystem<Void> system,
        CompletionStage<CoordinatorApp.Started> started,
        TaskRegistry tasks,
        long configured,
        long created) {}

    private Starting() {}

    private void startCoordinator() {
      try {
        // Start logging before the actor system's threads can log, so no lines are replayed.
        LoggerFactory.getILoggerFactory();
        // Nobody else can join this cluster: no transport, membership or failure detector.
        Config config =
            CoordinatorApp.loadConfig(
                Map.of(
                    "cohort.coordinator.http-port",
                    0,
                    "pekko.actor.provider",
                    "local",
                    // The command's own job is all it runs: no port for direct calls.
                    "cohort.node.direct-calls",
                    false));
        CoordinatorSettings settings = CoordinatorSettings.fromConfig(config);
        long configured = System.nanoTime();
        ActorSystem<Void> system =
            ActorSystem.create(Behaviors.empty(), CoordinatorProtocol.SYSTEM_NAME, config);
        long created = System.nanoTime();
        try {
          CompletionStage<CoordinatorApp.Started> started = CoordinatorApp.init(system, settings);
          // The user runs this cluster in their own JVM, on their own machine: commands are
          // theirs.
          TaskRegistry tasks = TaskRegistry.load(EmbeddedCluster.class.getClassLoader(), true);
          coordinator.complete(new Coordinator(system, started, tasks, configured, created));
        } catch (RuntimeException | Error e) {
          system.terminate();
          throw e;
        }
      } catch (RuntimeException | Error e) {
        coordinator.completeExceptionally(e);
      }
    }

    /**
     * Adds the node and waits until it has registered.
     *
     * @param workers the node's slots
     * @throws IllegalStateException when the cluster does not come up within {@code timeout}
     */
    public EmbeddedCluster withNode(int workers, Duration timeout) {
      Coordinator started = await(coordinator, timeout);
      ActorSystem<Void> system = started.system();
      try {
        CompletionStage<String> registered =
            NodeApp.init(system, started.tasks(), workers, Duration.ZERO);
        CoordinatorApp.Started up = await(started.started(), timeout);
        long serving = System.nanoTime();
        await(registered, timeout);
        long ready = System.nanoTime();
        LOG.debug(
            "in-process cluster ready in {} ms: configuration {} ms, actor system {} ms,"
                + " coordinator serving HTTP {} ms, node registered {} ms later",
            millis(begin, ready),
            millis(begin, started.configured()),
            millis(started.configured(), started.created()),
            millis(started.created(), serving),
            millis(serving, ready));
        return new EmbeddedCluster(system, URI.create(up.httpUrl()));
      } catch (RuntimeException e) {
        if (stopping(system)) {
          // Its parts fail as it stops; what they say (about a coordinator) is no news to the user.
          throw new IllegalStateException(
              "stopped before the cluster inside this command started", e);
        }
        system.terminate();
        throw e;
      }
    }

    /** Stops the cluster, for a command that turned out not to need it. */
    public void abandon() {
      coordinator.thenAccept(started -> started.system().terminate());
    }
  }

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }

  /**
   * Whether the cluster is stopping: the JVM is shutting down (SIGTERM) or it was closed. What then
   * fails to reach its coordinator fails because of that, and should say so rather than name a
   * coordinator the user never started.
   */
  public boolean stopping() {
    return stopping(system);
  }

  private static boolean stopping(ActorSystem<?> system) {
    return CoordinatedShutdown.get(system).getShutdownReason().isPresent();
  }

  private static <T> T await(CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the local cluster did not start within " + timeout.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "the local cluster did not start: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the local cluster", e);
    }
  }

  /** The HTTP API's URL. */
  public URI url() {
    return url;
  }

  /** Stops the cluster; the command using it has said all it had to say. */
  @Override
  public void close() {
    try {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Stopping is best effort: the JVM exits next anyway.
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(awaitClose);
      } catch (IllegalStateException e) {
        // The JVM is shutting down, and the hook has just been released.
      }
    }
  }
}
