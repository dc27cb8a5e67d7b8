package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Job counters with real JVMs: exact after retries and after a node killed with SIGKILL mid-job
 * (each input counts once, the attempt whose result was delivered), live in the status while the
 * job runs, printed by {@code cohort submit}, and exact after the coordinator is killed with
 * SIGKILL and restarted (rebuilt from the result log).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CountersIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, true);

  private CohortClient client;
  private LocalCluster cluster;

  @BeforeEach
  void twoNodesUp() {
    client = CLUSTER.client();
    cluster = CLUSTER.cluster();
    Jobs.ensureNodes(cluster, client, 2);
  }

  private static List<JsonNode> upTo(long count) {
    return LongStream.range(0, count).mapToObj(i -> (JsonNode) LongNode.valueOf(i)).toList();
  }

  private static Map<String, JsonNode> params(long sleepMs, long failEvery) {
    return Map.of("sleepMs", LongNode.valueOf(sleepMs), "failEvery", LongNode.valueOf(failEvery));
  }

  /** Tests that inputs whose first attempt counted and failed count once, by their retry. */
  @Test
  void retriedInputsCountOnce() {
    int n = 300;
    JobStatus job =
        client.submit(JobRequest.of("counting", upTo(n)).withParams(params(0, 3)).withRetries(1));
    List<Result> results = Jobs.results(client, job.id());
    Jobs.assertEveryIndexOnce(results, n);
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.retried()).isEqualTo(100);
    assertThat(end.counters())
        .containsExactly(Map.entry("inputs", (long) n), Map.entry("sum", n * (n - 1L) / 2));
  }

  /**
   * Tests that a node killed with SIGKILL mid-job, its inputs run again on the other node, leaves
   * the counters exact; and that the status shows them while the job runs.
   */
  @Test
  void killedNodeLeavesCountersExact() {
    int n = 300;
    JobStatus job =
        client.submit(JobRequest.of("counting", upTo(n)).withParams(params(20, 0)).withBatch(4));
    List<Result> results = new ArrayList<>();
    String victim = null;
    JobStatus during = null;
    try (Stream<Result> stream = client.results(job.id())) {
      for (Iterator<Result> it = stream.iterator(); it.hasNext(); ) {
        Result result = it.next();
        results.add(result);
        if (results.size() == 40) {
          // Results are counted before they are written, so at least these 40 are in the totals.
          during = client.status(job.id());
          victim = result.output().textValue();
          Jobs.nodeAt(cluster, victim).kill();
        }
      }
    }
    Jobs.assertEveryIndexOnce(results, n);
    assertThat(victim).isNotNull();
    assertThat(during.counters().get("inputs")).isBetween(40L, (long) n);
    assertThat(during.counters()).containsKey("sum");
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.retried()).isPositive();
    assertThat(end.counters())
        .containsExactly(Map.entry("inputs", (long) n), Map.entry("sum", n * (n - 1L) / 2));
  }

  /**
   * Tests that {@code cohort submit} prints the final counters after its summary, and {@code cohort
   * status JOB} shows them.
   */
  @Test
  void cliPrintsCounters() {
    String url = cluster.url().toString();
    Cli.Run run = Cli.run("submit", "counting", "5", "7", "--coordinator", url);
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("counters: inputs=2, sum=12");
    Cli.Run status = Cli.run("status", run.jobId(), "--coordinator", url);
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(String.join("\n", status.stdout()))
        .contains("\"counters\"")
        .contains("\"sum\" : 12");
  }

  /**
   * Tests that a job whose coordinator was killed with SIGKILL mid-job goes on under the restarted
   * one with exact counters: the totals of the results it kept are rebuilt from its result log, and
   * the inputs it runs again count once. Last, as it restarts the coordinator the class shares.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void restartedCoordinatorKeepsCountersExact() {
    int n = 300;
    JobStatus job =
        client.submit(JobRequest.of("counting", upTo(n)).withParams(params(20, 0)).withBatch(4));
    try (Stream<Result> stream = client.results(job.id())) {
      Iterator<Result> it = stream.iterator();
      for (int i = 0; i < 40; i++) {
        it.next();
      }
    }
    cluster.coordinator().kill();
    cluster.coordinator().waitFor(Duration.ofSeconds(30));
    cluster.restartCoordinator();
    CohortClient again = cluster.client();
    Jobs.assertEveryIndexOnce(Jobs.results(again, job.id()), n);
    JobStatus end = again.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.counters())
        .containsExactly(Map.entry("inputs", (long) n), Map.entry("sum", n * (n - 1L) / 2));
  }
}
