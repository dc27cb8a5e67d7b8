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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A whole cluster inside this JVM: one actor system that is both coordinator and node, serving HTTP
 * on a free loopback port. {@code cohort submit} uses it when no coordinator is given, so a job
 * runs on a fresh machine with nothing started. No other JVM can join it, so its actor system is
 * not a cluster member ({@link cohort.protocol.cluster.SelfMember}): the coordinator and the node
 * start at once and the node registers at once, without the transport or the membership protocol,
 * whose start and leave took most of a second of every {@code cohort submit}.
 */
public final class EmbeddedCluster implements AutoCloseable {

  private final ActorSystem<Void> system;
  private final URI url;

  private EmbeddedCluster(ActorSystem<Void> system, URI url) {
    this.system = system;
    this.url = url;
  }

  /**
   * Starts the cluster and waits until its node has registered.
   *
   * @param workers the node's slots
   * @throws IllegalStateException when it does not come up within {@code timeout}
   */
  public static EmbeddedCluster start(int workers, Duration timeout) {
    // Start logging before the actor system's threads can log, so no early lines are replayed.
    org.slf4j.LoggerFactory.getILoggerFactory();
    // Nobody else can join this cluster: no transport, membership or failure detector.
    Config config =
        CoordinatorApp.loadConfig(
            Map.of("cohort.coordinator.http-port", 0, "pekko.actor.provider", "local"));
    CoordinatorSettings settings = CoordinatorSettings.fromConfig(config);
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), CoordinatorProtocol.SYSTEM_NAME, config);
    try {
      CompletionStage<CoordinatorApp.Started> started = CoordinatorApp.init(system, settings);
      // The user runs this cluster in their own JVM, on their own machine: commands are theirs.
      TaskRegistry tasks = TaskRegistry.load(EmbeddedCluster.class.getClassLoader(), true);
      CompletionStage<String> registered = NodeApp.init(system, tasks, workers, Duration.ZERO);
      CoordinatorApp.Started up = await(started, timeout);
      await(registered, timeout);
      return new EmbeddedCluster(system, URI.create(up.httpUrl()));
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
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

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Stopping is best effort: the JVM exits next anyway.
    }
  }
}
