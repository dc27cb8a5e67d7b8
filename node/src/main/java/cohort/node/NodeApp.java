package cohort.node;

import cohort.messages.CoordinatorProtocol;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;

/** Starts a node: an actor system that joins the coordinator and runs a {@link Worker}. */
public final class NodeApp {

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

  /** Adds the Pekko settings that follow from the node's settings: address, seed, role. */
  public static Config clusterConfig(NodeSettings settings, Config config) {
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.remote.artery.canonical.hostname", settings.host(),
                "pekko.remote.artery.canonical.port", settings.clusterPort(),
                "pekko.cluster.seed-nodes",
                    List.of(
                        "pekko://"
                            + CoordinatorProtocol.SYSTEM_NAME
                            + "@"
                            + settings.join().host()
                            + ":"
                            + settings.join().port())))
        .withFallback(config);
  }

  /** A running node: its actor system, and when the coordinator accepted it. */
  public record Running(ActorSystem<Void> system, CompletionStage<String> registered) {}

  /**
   * Starts a node JVM's actor system and worker.
   *
   * @throws IllegalArgumentException when a setting is invalid
   */
  public static Running start(Config config) {
    NodeSettings settings = NodeSettings.fromConfig(config);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(), CoordinatorProtocol.SYSTEM_NAME, clusterConfig(settings, config));
    CompletionStage<String> registered = init(system, settings.workers());
    return new Running(system, registered);
  }

  /**
   * Starts the worker in a running actor system once this member is Up.
   *
   * @return completed with the coordinator's address once it accepts the node
   */
  public static CompletionStage<String> init(ActorSystem<?> system, int workers) {
    TaskRegistry registry = TaskRegistry.load(NodeApp.class.getClassLoader());
    CompletableFuture<String> registered = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
        .registerOnMemberUp(
            () ->
                system.systemActorOf(
                    Worker.create(workers, registry, slotExecutor(workers), registered),
                    "worker",
                    Props.empty()));
    return registered;
  }

  /** One thread per slot, named so thread dumps show which threads run user code. */
  static ExecutorService slotExecutor(int slots) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads =
        runnable -> {
          Thread thread = new Thread(runnable, "cohort-slot-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    return new ThreadPoolExecutor(
        slots, slots, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
  }

  /** The address this node's cluster member has, as {@code host:port}. */
  public static String address(ActorSystem<?> system) {
    return cohort.messages.HostPort.of(Cluster.get(system).selfMember().address()).toString();
  }
}
