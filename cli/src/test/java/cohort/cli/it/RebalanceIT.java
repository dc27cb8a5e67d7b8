package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Queued work moves to idle slots, with real JVMs: a node that joins takes a busy node's queue. */
class RebalanceIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(1, false);

  /**
   * Tests that an input queued behind a long one on a busy node runs on a node that joins instead
   * of waiting there. Without the move, its result would come only after the long input's 120 s.
   */
  @Test
  @Timeout(90)
  void nodeThatJoinsTakesQueuedWork() {
    CohortClient client = CLUSTER.client();
    LocalCluster cluster = CLUSTER.cluster();
    Jobs.ensureNodes(cluster, client, 1);
    String busy = client.cluster().nodes().get(0).address();

    List<JsonNode> millis = List.of(LongNode.valueOf(120_000), LongNode.valueOf(300));
    JobStatus job = client.submit(JobRequest.of("where", millis).withOrdered(false));
    Jobs.awaitCluster(
        client,
        status -> status.busySlots() == 1,
        Duration.ofSeconds(30),
        "the long input running");
    JvmProcess joined = cluster.launchNode(1);

    try (Stream<Result> results = client.results(job.id())) {
      Iterator<Result> it = results.iterator();
      Result first = it.next();
      assertThat(first.index()).isEqualTo(1);
      assertThat(first.error()).isNull();
      assertThat(first.output().textValue())
          .isNotEqualTo(busy)
          .isEqualTo(joined.awaitReady(Duration.ofSeconds(30)).get("node"));
      client.cancel(job.id());
    }
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.CANCELLED);
    assertThat(end.succeeded()).isEqualTo(1);
    assertThat(end.retried()).isZero();
  }
}
