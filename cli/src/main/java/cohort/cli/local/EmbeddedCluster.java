package cohort.cli.local;

import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import cohort.node.NodeApp;
import cohort.node.TaskRegistry;
import cohort.protocol.CoordinatorProtocol;
import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A whole cluster inside this JVM: one actor system that is both coordinator and node, on free
 * loopback ports. {@code cohort submit} uses it when no coordinator is given, so a job runs on a
 * fresh machine with nothing started.
 */
public final class EmbeddedCluster implements AutoCloseable {

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
    Config config =
        CoordinatorApp.loadConfig(
            Map.of(
                "cohort.coordinator.cluster-port", 0,
                "cohort.coordinator.http-port", 0,
                "pekko.cluster.roles", List.of("coordinator", "node")));
    CoordinatorSettings settings = CoordinatorSettings.fromConfig(config);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            CoordinatorProtocol.SYSTEM_NAME,
            CoordinatorApp.clusterConfig(settings, config));
    try {
      CompletionStage<CoordinatorApp.Started> started = CoordinatorApp.init(system, settings);
      // The user runs this cluster in their own JVM, on their own machine: commands are theirs.
      TaskRegistry tasks = TaskRegistry.load(EmbeddedCluster.class.getClassLoader(), true);
      CompletionStage<String> registered = NodeApp.init(system, tasks, workers, Duration.ZERO);
      CoordinatorApp.Started up = await(started, timeout);
      await(registered, timeout);
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
