package cohort.cli.local;

import cohort.client.CohortClient;
import cohort.client.JobApi;
import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import cohort.coordinator.LocalCoordinator;
import cohort.coordinator.inprocess.InProcessJobs;
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
 * A whole cluster inside this JVM: one actor system that is both coordinator and node. {@code
 * cohort submit} uses it when no coordinator is given, so a job runs on a fresh machine with
 * nothing started. The command talks to its coordinator in place ({@link #jobs}); the HTTP API, on
 * a free loopback port, starts only for what travels over HTTP ({@link #http}): inputs streamed
 * while the job runs, and files for nodes that cannot read them. Pekko HTTP and the JDK's HTTP
 * client cost a third of a second of start-up that a job over a list or a range never needed. No
 * other JVM can join it, so its actor system is not a cluster member ({@link
 * cohort.protocol.cluster.SelfMember}): the coordinator and the node start at once and the node
 * registers at once, without the transport or the membership protocol, whose start and leave took
 * most of a second of every {@code cohort submit}.
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
  private final LocalCoordinator coordinator;
  private final InProcessJobs jobs;
  private URI url;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread awaitClose;

  private EmbeddedCluster(ActorSystem<Void> system, LocalCoordinator coordinator) {
    this.system = system;
    this.coordinator = coordinator;
    this.jobs = new InProcessJobs(coordinator);
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
   * Starts the cluster, waits until its node has registered and serves the HTTP API.
   *
   * @param workers the node's slots
   * @throws IllegalStateException when it does not come up within {@code timeout}
   */
  public static EmbeddedCluster start(int workers, Duration timeout) {
    EmbeddedCluster cluster = begin().withNode(workers, timeout);
    try {
      cluster.serveHttp(timeout);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Starts the coordinator (its actor system and the coordinator) on a thread of its own, and
   * returns at once.
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
        CompletionStage<LocalCoordinator> started,
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
          CompletionStage<LocalCoordinator> started =
              CoordinatorApp.startCoordinator(system, settings);
          // The user runs this cluster in their own JVM, on their own machine: commands are
          // theirs.
          TaskRegistry tasks =
              TaskRegistry.load(
                  EmbeddedCluster.class.getClassLoader(), cohort.node.ExecAllowance.ANY);
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
        LocalCoordinator up = await(started.started(), timeout);
        long serving = System.nanoTime();
        await(registered, timeout);
        long ready = System.nanoTime();
        LOG.debug(
            "in-process cluster ready in {} ms: configuration {} ms, actor system {} ms,"
                + " coordinator {} ms, node registered {} ms later",
            millis(begin, ready),
            millis(begin, started.configured()),
            millis(started.configured(), started.created()),
            millis(started.created(), serving),
            millis(serving, ready));
        return new EmbeddedCluster(system, up);
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

  /**
   * Whether its node reads a client's files where they are ({@code cohort.node.read-in-place}):
   * this command's own files, since it runs in this JVM.
   */
  public boolean readsInPlace() {
    return system.settings().config().getBoolean("cohort.node.read-in-place");
  }

  /** The coordinator, asked in place: no HTTP. */
  public JobApi jobs() {
    return jobs;
  }

  /**
   * A client of the HTTP API, which starts serving now if it was not yet; nodes then learn where to
   * fetch files from.
   *
   * @throws IllegalStateException when it does not serve within {@code timeout}
   */
  public CohortClient http(Duration timeout) {
    return CohortClient.connect(
        serveHttp(timeout), cohort.client.Credentials.of(coordinator.access().token()));
  }

  /** The HTTP API's URL; it starts serving now if it was not yet. */
  public URI url() {
    return serveHttp(REPORT_WAIT);
  }

  /** The token of its HTTP API, known only to this process. */
  public cohort.api.security.Token token() {
    return coordinator.access().token();
  }

  private synchronized URI serveHttp(Duration timeout) {
    if (url == null) {
      long begin = System.nanoTime();
      url = URI.create(await(CoordinatorApp.serveHttp(coordinator), timeout).httpUrl());
      LOG.debug("in-process cluster serving HTTP in {} ms", millis(begin, System.nanoTime()));
    }
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
