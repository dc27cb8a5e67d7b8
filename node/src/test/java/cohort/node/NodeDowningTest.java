package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.cluster.CohortDowning;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CohortDowning} on a node, in a real cluster on loopback: a member with the coordinator
 * role, this node and another node, where members "crash" by stopping their actor system without
 * leaving. The coordinator member waits a minute before it downs anyone, so only the node acts.
 */
class NodeDowningTest {

  private static final Duration AFTER = Duration.ofSeconds(1);

  private ActorTestKit coordinator;
  private ActorTestKit node;
  private ActorTestKit other;

  @BeforeEach
  void start() {
    coordinator = ActorTestKit.create("cohort", crashable("coordinator"));
    node =
        ActorTestKit.create(
            "cohort",
            ConfigFactory.parseMap(Map.of(CohortDowning.AFTER_KEY, AFTER.toMillis() + "ms"))
                .withFallback(ConfigFactory.load("application-test")));
    other = ActorTestKit.create("cohort", crashable("node"));
    Cluster seed = Cluster.get(coordinator.system());
    for (ActorTestKit member : List.of(coordinator, node, other)) {
      Cluster.get(member.system()).manager().tell(Join.create(seed.selfMember().address()));
    }
    coordinator
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              assertThat(seed.state().getMembers())
                  .hasSize(3)
                  .allSatisfy(m -> assertThat(m.status()).isEqualTo(MemberStatus.up()));
              return null;
            });
  }

  /** A member with the given role, slow to down others, which stops without leaving. */
  private static Config crashable(String role) {
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.cluster.roles",
                List.of(role),
                CohortDowning.AFTER_KEY,
                "60s",
                "pekko.coordinated-shutdown.run-by-actor-system-terminate",
                "off"))
        .withFallback(ConfigFactory.load("application-test"));
  }

  @AfterEach
  void stop() {
    for (ActorTestKit member : List.of(other, node, coordinator)) {
      member.shutdownTestKit();
    }
  }

  /**
   * Tests that a node whose coordinator stays unreachable downs itself, ending its actor system.
   */
  @Test
  void aNodeDownsItselfWhenItsCoordinatorIsGone() throws Exception {
    coordinator.system().terminate();
    node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(CoordinatedShutdown.get(node.system()).getShutdownReason())
        .contains(CoordinatedShutdown.clusterDowningReason());
  }

  /** Tests that a node never downs another node, even one that stays unreachable. */
  @Test
  void aNodeLeavesOtherNodesAlone() {
    TestProbe<ClusterEvent.UnreachableMember> unreachable = node.createTestProbe();
    TestProbe<ClusterEvent.MemberDowned> downed = node.createTestProbe();
    Cluster cluster = Cluster.get(node.system());
    cluster
        .subscriptions()
        .tell(Subscribe.create(unreachable.ref(), ClusterEvent.UnreachableMember.class));
    cluster.subscriptions().tell(Subscribe.create(downed.ref(), ClusterEvent.MemberDowned.class));
    other.system().terminate();
    unreachable.receiveMessage(Duration.ofSeconds(15));
    // The coordinator member would wait a minute: a Down now could only come from this node.
    downed.expectNoMessage(AFTER.multipliedBy(3));
    assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
    // Let the members still running leave cleanly.
    Cluster.get(coordinator.system())
        .manager()
        .tell(new Down(Cluster.get(other.system()).selfMember().address()));
    downed.receiveMessage(Duration.ofSeconds(10));
  }
}
