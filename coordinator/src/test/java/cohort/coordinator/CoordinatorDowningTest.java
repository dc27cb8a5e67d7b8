package cohort.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.protocol.cluster.CohortDowning;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CohortDowning} on the coordinator, in a real three-member cluster on loopback: a
 * coordinator and two members standing in for nodes, which "crash" by stopping their actor system
 * without leaving.
 */
class CoordinatorDowningTest {

  private static final Duration AFTER = Duration.ofSeconds(1);

  private ActorTestKit coordinator;
  private final List<ActorTestKit> nodes = new ArrayList<>();

  @BeforeEach
  void start() {
    coordinator =
        ActorTestKit.create(
            "cohort",
            ConfigFactory.parseMap(Map.of(CohortDowning.AFTER_KEY, AFTER.toMillis() + "ms"))
                .withFallback(ConfigFactory.load("application-test")));
    Cluster cluster = Cluster.get(coordinator.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    for (int i = 0; i < 2; i++) {
      ActorTestKit node = ActorTestKit.create("cohort", nodeConfig());
      Cluster.get(node.system()).manager().tell(Join.create(cluster.selfMember().address()));
      nodes.add(node);
    }
    eventually(
        Duration.ofSeconds(20),
        () -> {
          assertThat(cluster.state().getMembers())
              .hasSize(3)
              .allSatisfy(m -> assertThat(m.status()).isEqualTo(MemberStatus.up()));
        });
  }

  /** A member with the node role, which stops without leaving. */
  private static Config nodeConfig() {
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.cluster.roles",
                List.of("node"),
                "pekko.coordinated-shutdown.run-by-actor-system-terminate",
                "off"))
        .withFallback(ConfigFactory.load("application-test"));
  }

  @AfterEach
  void stop() {
    nodes.forEach(ActorTestKit::shutdownTestKit);
    coordinator.shutdownTestKit();
  }

  /**
   * Tests that when nodes die one after another, the second having seen the first go (which Pekko's
   * split brain resolver answers by downing everyone), the coordinator downs both and stays Up.
   */
  @Test
  void nodesDyingOneAfterAnotherAreDownedAndTheCoordinatorStays() {
    Cluster cluster = Cluster.get(coordinator.system());
    UniqueAddress first = selfOf(nodes.get(0).system());
    UniqueAddress second = selfOf(nodes.get(1).system());
    TestProbe<ClusterEvent.ReachabilityChanged> reachability = coordinator.createTestProbe();
    cluster
        .subscriptions()
        .tell(Subscribe.create(reachability.ref(), ClusterEvent.ReachabilityChanged.class));

    crash(nodes.get(0));
    // The second node's own failure detector has marked the first one, and the coordinator knows.
    reachability.fishForMessage(
        Duration.ofSeconds(15),
        changed ->
            changed.reachability().isReachable(second, first)
                ? FishingOutcomes.continueAndIgnore()
                : FishingOutcomes.complete());
    crash(nodes.get(1));

    eventually(
        Duration.ofSeconds(20),
        () -> {
          assertThat(cluster.state().getMembers())
              .extracting(Member::uniqueAddress)
              .containsExactly(cluster.selfMember().uniqueAddress());
        });
    assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
    assertThat(coordinator.system().whenTerminated().isCompleted()).isFalse();
  }

  /**
   * Tests that a crashed member is downed once it has been unreachable for the delay, not sooner.
   */
  @Test
  void aCrashedMemberIsDownedAfterTheDelay() {
    Cluster cluster = Cluster.get(coordinator.system());
    UniqueAddress victim = selfOf(nodes.get(0).system());
    TestProbe<ClusterEvent.MemberEvent> members = coordinator.createTestProbe();
    TestProbe<ClusterEvent.UnreachableMember> unreachable = coordinator.createTestProbe();
    cluster
        .subscriptions()
        .tell(Subscribe.create(unreachable.ref(), ClusterEvent.UnreachableMember.class));
    cluster.subscriptions().tell(Subscribe.create(members.ref(), ClusterEvent.MemberEvent.class));

    crash(nodes.get(0));
    assertThat(unreachable.receiveMessage(Duration.ofSeconds(15)).member().uniqueAddress())
        .isEqualTo(victim);
    long unreachableAt = System.nanoTime();
    members.fishForMessage(
        Duration.ofSeconds(15),
        event ->
            event instanceof ClusterEvent.MemberDowned
                    && event.member().uniqueAddress().equals(victim)
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore());
    // Half the delay as the bound: the probe may hear of the unreachability later than the downer.
    assertThat(Duration.ofNanos(System.nanoTime() - unreachableAt))
        .isGreaterThan(AFTER.dividedBy(2));
    eventually(
        Duration.ofSeconds(10),
        () -> {
          assertThat(cluster.state().getMembers())
              .extracting(Member::uniqueAddress)
              .doesNotContain(victim);
        });
  }

  /** Tests that a delay that is not positive is refused, naming the key. */
  @Test
  void aDelayThatIsNotPositiveIsRefused() {
    assertThatThrownBy(
            () ->
                CohortDowning.downAfter(
                    ConfigFactory.parseMap(Map.of(CohortDowning.AFTER_KEY, "0s"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CohortDowning.AFTER_KEY)
        .hasMessageContaining("positive");
  }

  private static UniqueAddress selfOf(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().uniqueAddress();
  }

  /** Retries the assertion until it holds or the time is up. */
  private void eventually(Duration max, Runnable assertion) {
    coordinator
        .createTestProbe()
        .awaitAssert(
            max,
            () -> {
              assertion.run();
              return null;
            });
  }

  /** Stops a member's actor system without leaving the cluster, as a killed JVM would. */
  private static void crash(ActorTestKit node) {
    node.system().terminate();
  }
}
