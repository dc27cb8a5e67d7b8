package cohort.bench.jmh;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Actor systems and actor refs for the benchmarks that need them: Cohort's messages and its node
 * table hold real {@link ActorRef}s, and Pekko's serializer resolves them against a running system.
 * Nothing here is measured.
 */
final class BenchSystems {

  private BenchSystems() {}

  /**
   * A system configured as a Cohort node is in the tests: {@code node.conf} (cluster provider,
   * Artery TCP, the Jackson CBOR binding for {@code CborSerializable}) on a free loopback port,
   * without joining any cluster.
   */
  static ActorSystem<Void> node() {
    Config overrides =
        ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"",
                "pekko.remote.artery.canonical.port = 0",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                "pekko.loglevel = WARNING"));
    Config config =
        ConfigFactory.load(overrides.withFallback(ConfigFactory.parseResources("node.conf")));
    return ActorSystem.create(Behaviors.empty(), "cohort", config);
  }

  /** A plain local system: enough to own actor refs that are never sent anywhere. */
  static ActorSystem<Void> local() {
    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.actor.provider = local",
                    "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                    "pekko.loglevel = WARNING"))
            .withFallback(ConfigFactory.defaultReference());
    return ActorSystem.create(Behaviors.empty(), "cohort", config);
  }

  /** A live actor that ignores every message, under the system guardian. */
  static <T> ActorRef<T> idle(ActorSystem<?> system, String name) {
    return system.systemActorOf(Behaviors.<T>empty(), name, Props.empty());
  }

  /** Stops the system and waits until it has. */
  static void stop(ActorSystem<?> system) throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
