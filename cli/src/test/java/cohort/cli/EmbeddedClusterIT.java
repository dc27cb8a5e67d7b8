package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.cli.local.EmbeddedCluster;
import cohort.client.CohortClient;
import cohort.protocol.cluster.SelfMember;
import com.fasterxml.jackson.databind.node.IntNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-process cluster of {@code cohort submit}: a coordinator and a node, no cluster. */
class EmbeddedClusterIT {

  /**
   * Tests that the in-process cluster starts without the cluster's transport and membership: its
   * node has registered by the time it is started, both say they are in-process rather than at a
   * cluster address, and a job runs on it.
   */
  @Test
  void startsACoordinatorAndANodeWithoutTheCluster() {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(2, Duration.ofSeconds(60))) {
      CohortClient client = CohortClient.connect(cluster.url());
      ClusterStatus status = client.cluster();
      assertThat(status.coordinator()).isEqualTo(SelfMember.IN_PROCESS);
      assertThat(status.nodes()).hasSize(1);
      assertThat(status.nodes().get(0).address()).isEqualTo(SelfMember.IN_PROCESS);
      assertThat(status.slots()).isEqualTo(2);

      JobOutcome outcome = client.run(JobRequest.of("echo", List.of(IntNode.valueOf(7))));
      assertThat(outcome.results()).extracting(r -> r.output().intValue()).containsExactly(7);
    }
  }
}
