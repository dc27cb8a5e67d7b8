package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.DepartedNode;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.NodeStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} on a real coordinator with two node JVMs: a job's inputs by task, busy slots
 * while it runs, the nodes' heap reported through the coordinator, the request counter, and a
 * killed node listed in {@code GET /cluster} as downed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

  /** Nodes report every 300 ms, so their figures show up soon after they join. */
  @RegisterExtension
  static final ClusterExtension CLUSTER =
      new ClusterExtension(2, false, List.of(), List.of("-Dcohort.node.stats-every=300ms"));

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static final Duration BOUND = Duration.ofSeconds(60);

  private static String metrics() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(CLUSTER.cluster().url() + "/metrics"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token().value())
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** The value of one series, if the text has it. */
  private static Optional<Double> value(String text, String series) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return matcher.find() ? Optional.of(Double.parseDouble(matcher.group(1))) : Optional.empty();
  }

  /** Every value of a metric, one per series (such as one per node). */
  private static List<Double> values(String text, String name) {
    return Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE)
        .matcher(text)
        .results()
        .map(match -> Double.parseDouble(match.group(1)))
        .toList();
  }

  /** Scrapes until the text meets the condition; fails after {@link #BOUND}. */
  private static String awaitMetrics(Predicate<String> condition, String what) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = metrics();
      if (condition.test(last)) {
        return last;
      }
      Jobs.pause(50);
    }
    throw new AssertionError("timed out waiting for " + what + "; metrics:\n" + last);
  }

  /**
   * Tests the metrics during and after a job of 12 sleep inputs of 400 ms: slots busy and inputs in
   * flight while it runs; then every input done by task, one duration each of about 400 ms, the job
   * succeeded, both nodes' inputs adding up to the job's, the nodes' heap, and the requests counted
   * by route template.
   */
  @Test
  @Order(1)
  void showsAJobWhileItRunsAndAfter() throws Exception {
    CohortClient client = CLUSTER.client();
    List<JsonNode> inputs = Collections.nCopies(12, LongNode.valueOf(400));
    JobStatus job = client.submit(JobRequest.of("sleep", inputs));

    String during =
        awaitMetrics(
            text ->
                value(text, "cohort_busy_slots").orElse(0.0) >= 1
                    && value(text, "cohort_inputs_in_flight{task=\"sleep\"}").orElse(0.0) >= 1,
            "busy slots while the job runs");
    assertThat(value(during, "cohort_slots")).contains(2.0);
    assertThat(value(during, "cohort_jobs{state=\"running\"}")).contains(1.0);

    try (Stream<Result> results = client.results(job.id())) {
      assertThat(results.count()).isEqualTo(12);
    }
    assertThat(client.status(job.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);

    String after =
        awaitMetrics(
            text -> values(text, "cohort_node_heap_used_bytes").size() == 2, "both nodes' heap");
    assertThat(value(after, "cohort_inputs_submitted_total{task=\"sleep\"}")).contains(12.0);
    assertThat(value(after, "cohort_inputs_done_total{task=\"sleep\"}")).contains(12.0);
    assertThat(value(after, "cohort_inputs_failed_total{task=\"sleep\"}")).isEmpty();
    assertThat(value(after, "cohort_task_duration_seconds_count{task=\"sleep\"}")).contains(12.0);
    assertThat(value(after, "cohort_task_duration_seconds_sum{task=\"sleep\"}").orElseThrow())
        .isBetween(12 * 0.39, 12 * 2.0);
    assertThat(value(after, "cohort_task_duration_seconds_bucket{task=\"sleep\",le=\"0.1024\"}"))
        .contains(0.0);
    assertThat(value(after, "cohort_task_duration_seconds_bucket{task=\"sleep\",le=\"+Inf\"}"))
        .contains(12.0);
    assertThat(value(after, "cohort_jobs{state=\"succeeded\"}")).contains(1.0);
    assertThat(value(after, "cohort_inputs_in_flight{task=\"sleep\"}")).isEmpty();
    assertThat(value(after, "cohort_busy_slots")).contains(0.0);
    assertThat(value(after, "cohort_dispatched_inputs_total{task=\"sleep\"}").orElseThrow())
        .isGreaterThanOrEqualTo(12);
    assertThat(value(after, "cohort_results_received_total")).contains(12.0);
    assertThat(value(after, "cohort_nodes{state=\"up\"}")).contains(2.0);
    assertThat(values(after, "cohort_node_inputs_done_total").stream().mapToDouble(d -> d).sum())
        .isEqualTo(12.0);
    assertThat(values(after, "cohort_node_heap_used_bytes"))
        .allSatisfy(b -> assertThat(b).isPositive());
    assertThat(values(after, "cohort_node_heap_max_bytes"))
        .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(512.0 * 1024 * 1024));
    assertThat(value(after, "cohort_result_log_bytes").orElseThrow()).isPositive();
    assertThat(
            value(
                after,
                "cohort_http_requests_total{method=\"POST\",route=\"/jobs\",status=\"201\"}"))
        .contains(1.0);
    assertThat(
            value(
                    after,
                    "cohort_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}")
                .orElseThrow())
        .isGreaterThanOrEqualTo(1);
    assertThat(after).contains("jvm_threads_current ").doesNotContain(job.id());
  }

  /**
   * Tests that GET /cluster shows each node's heap, CPU, join time and inputs, and that a node
   * killed for real is listed as downed, with what it had done, and leaves the node metrics.
   */
  @Test
  @Order(2)
  void listsANodeThatWasKilled() throws Exception {
    CohortClient client = CLUSTER.client();
    ClusterStatus cluster =
        Jobs.awaitCluster(
            client,
            c ->
                c.nodes().size() == 2
                    && c.nodes().stream().allMatch(n -> n.heapUsedBytes() != null),
            BOUND,
            "two nodes with their heap");
    for (NodeStatus node : cluster.nodes()) {
      assertThat(node.heapUsedBytes()).isPositive();
      assertThat(node.heapMaxBytes()).isGreaterThanOrEqualTo(node.heapUsedBytes());
      assertThat(node.joinedAt()).isNotNull();
    }
    assertThat(cluster.nodes().stream().mapToLong(NodeStatus::inputsDone).sum()).isEqualTo(12);

    NodeStatus victim = cluster.nodes().get(0);
    JvmProcess process = Jobs.nodeAt(CLUSTER.cluster(), victim.address());
    process.kill();
    ClusterStatus after =
        Jobs.awaitCluster(
            client, c -> !c.departed().isEmpty(), BOUND, "the killed node among the departed");
    DepartedNode gone = after.departed().get(0);
    assertThat(gone.address()).isEqualTo(victim.address());
    assertThat(gone.why()).isEqualTo("downed as unreachable");
    assertThat(gone.inputsDone()).isEqualTo(victim.inputsDone());
    assertThat(gone.joinedAt()).isEqualTo(victim.joinedAt());
    assertThat(after.nodes()).extracting(NodeStatus::address).doesNotContain(victim.address());

    String text = metrics();
    assertThat(value(text, "cohort_nodes{state=\"up\"}")).contains(1.0);
    assertThat(text).doesNotContain("node=\"" + victim.address() + "\"");
  }
}
