package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** A real one-member cluster for the worker's tests, as a node's actor system would be. */
final class TestCluster {

  private TestCluster() {}

  /** Starts a test kit whose system has joined itself and is Up. */
  static ActorTestKit start() {
    ActorTestKit testKit = ActorTestKit.create("cohort", ConfigFactory.load("application-test"));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
              return null;
            });
    return testKit;
  }
}
