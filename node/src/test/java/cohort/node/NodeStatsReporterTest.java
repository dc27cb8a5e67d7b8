package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.NodeStats;
import cohort.protocol.WorkerProtocol;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NodeStatsReporterTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = TestCluster.start();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /**
   * Tests that the reporter sends the coordinator the receptionist lists this JVM's heap and CPU,
   * naming the worker, again and again.
   */
  @Test
  void sendsTheFiguresToTheCoordinatorOnATimer() {
    TestProbe<CoordinatorProtocol.Command> coordinator = testKit.createTestProbe();
    TestProbe<WorkerProtocol.Command> worker = testKit.createTestProbe();
    testKit
        .system()
        .receptionist()
        .tell(Receptionist.register(CoordinatorProtocol.SERVICE_KEY, coordinator.ref()));
    testKit.spawn(NodeStatsReporter.create(worker.ref(), Duration.ofMillis(100)));
    for (int report = 0; report < 2; report++) {
      NodeStats stats = coordinator.expectMessageClass(NodeStats.class, Duration.ofSeconds(10));
      assertThat(stats.worker()).isEqualTo(worker.ref());
      assertThat(stats.heapUsedBytes()).isPositive();
      assertThat(stats.heapMaxBytes()).isGreaterThanOrEqualTo(stats.heapUsedBytes());
      assertThat(stats.processCpuLoad()).isBetween(-1.0, 1.0);
    }
  }

  /** Tests that an interval out of range is refused naming the setting and the range. */
  @Test
  void refusesAnIntervalOutOfRange() {
    TestProbe<WorkerProtocol.Command> worker = testKit.createTestProbe();
    assertThatThrownBy(() -> NodeStatsReporter.create(worker.ref(), Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cohort.node.stats-every is 10ms; give a time from 100ms to 1h, such as 3s");
  }
}
