package cohort.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.DepartedNode;
import cohort.api.JobStatus;
import cohort.api.NodeStatus;
import cohort.api.TaskError;
import cohort.coordinator.job.Batch;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The metrics text from given events and figures, line by line, without actors or HTTP. */
class MetricsTextTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final CoordinatorMetrics metrics = new CoordinatorMetrics(false);
  private JobState state;

  /** Applies an event as a job does, telling the metrics. */
  private void apply(JobEvent event) {
    JobState before = state;
    JobState.Transition step = state.updated(event, T0);
    state = step.state();
    metrics.changed(event, before, state, step.released());
  }

  private Batch fresh(int size) {
    long from = state.nextFresh();
    List<JsonNode> inputs =
        java.util.stream.LongStream.range(from, from + size)
            .mapToObj(i -> (JsonNode) LongNode.valueOf(i))
            .toList();
    return Batch.fresh(state.nextBatchId(), from, inputs);
  }

  private String text(ClusterStatus cluster, List<JobStatus> jobs, long logBytes) {
    return new String(
        MetricsText.render(metrics.scrape(), ClusterGauges.of(cluster, jobs, logBytes)),
        StandardCharsets.UTF_8);
  }

  private static final ClusterStatus NO_NODES = new ClusterStatus("c:1", List.of(), 0, 0, 0, null);

  /**
   * Tests that inputs are counted by task as a job changes: submitted, done, failed, retried after
   * a lost node, quarantined once out of attempts, with each reported part's time per input.
   */
  @Test
  void countsInputsByTaskAsTheJobChanges() {
    JobSpec spec = new JobSpec(new TaskSpec("echo", Map.of()), false, null, 0, 0, 2, Duration.ZERO);
    state = JobState.accepted("j-1", spec, 4, 1000, T0);
    metrics.accepted(state);

    Batch a = fresh(2);
    apply(new Dispatched(a, "n1", "n1:1"));
    TaskError boom = new TaskError("java.lang.IllegalStateException", "boom", "n1:1", 1, null);
    apply(
        new BatchCompleted(
            a.id(),
            0,
            Values.of(List.of(LongNode.valueOf(0), NullNode.getInstance())),
            List.of(new InputFailure(1, FailureKind.TASK, boom)),
            true,
            2_000_000));

    Batch b = fresh(2);
    apply(new Dispatched(b, "n2", "n2:1"));
    apply(new NodeLost("n2", "it was removed from the cluster", Set.of(b.id())));
    List<Batch> again = state.ready();
    assertThat(again).hasSize(2);
    for (Batch batch : again) {
      apply(new Dispatched(batch, "n3", "n3:1"));
    }
    apply(
        new NodeLost(
            "n3",
            "it was removed from the cluster",
            again.stream().map(Batch::id).collect(Collectors.toSet())));
    assertThat(state.terminal()).isTrue();

    metrics.answered("GET", "/jobs/{id}", 200);
    metrics.answered("GET", "/jobs/{id}", 200);
    metrics.answered("POST", "/jobs", 401);

    String text = text(NO_NODES, List.of(), 0);
    assertThat(text.lines())
        .contains(
            "cohort_inputs_submitted_total{task=\"echo\"} 4.0",
            "cohort_inputs_done_total{task=\"echo\"} 4.0",
            "cohort_inputs_failed_total{task=\"echo\"} 3.0",
            "cohort_inputs_retried_total{task=\"echo\"} 2.0",
            "cohort_inputs_quarantined_total{task=\"echo\"} 2.0",
            "cohort_result_messages_total 1.0",
            "cohort_results_received_total 2.0",
            "cohort_dispatched_batches_total{task=\"echo\"} 4.0",
            "cohort_dispatched_inputs_total{task=\"echo\"} 6.0",
            "cohort_task_duration_seconds_count{task=\"echo\"} 2",
            "cohort_task_duration_seconds_sum{task=\"echo\"} 0.002",
            "cohort_task_duration_seconds_bucket{task=\"echo\",le=\"0.0016\"} 2",
            "cohort_task_duration_seconds_bucket{task=\"echo\",le=\"4.0E-4\"} 0",
            "cohort_http_requests_total{method=\"GET\",route=\"/jobs/{id}\",status=\"200\"} 2.0",
            "cohort_http_requests_total{method=\"POST\",route=\"/jobs\",status=\"401\"} 1.0",
            "# TYPE cohort_inputs_done_total counter",
            "# TYPE cohort_task_duration_seconds histogram");
  }

  /**
   * Tests that the figures of the moment come out as gauges: jobs by state, the queue and inputs in
   * flight by task, nodes by state, slots in all and per node, each node's heap, CPU and inputs.
   */
  @Test
  void rendersTheClusterAndTheJobs() {
    NodeStatus up =
        new NodeStatus(
            "10.0.0.1:2552",
            "UP",
            4,
            3,
            List.of("echo"),
            null,
            "2026-01-01T00:00:10Z",
            120,
            2,
            50_000_000L,
            500_000_000L,
            0.75,
            List.of("gpu"));
    NodeStatus fresh =
        new NodeStatus(
            "10.0.0.1:2552",
            "UNREACHABLE",
            2,
            0,
            List.of("echo"),
            null,
            null,
            0,
            0,
            null,
            null,
            null,
            List.of());
    ClusterStatus cluster =
        new ClusterStatus(
            "c:1",
            List.of(up, fresh),
            6,
            3,
            1,
            List.of(
                new DepartedNode(
                    "x:1", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "left", 5, 0)));
    List<JobStatus> jobs =
        List.of(
            job("a", "echo", JobStatus.State.RUNNING, 40, 7),
            job("b", "echo", JobStatus.State.PENDING, 10, 0),
            job("c", "sleep", JobStatus.State.SUCCEEDED, 0, 0));

    String text = text(cluster, jobs, 4096);
    assertThat(text.lines())
        .contains(
            "cohort_jobs{state=\"running\"} 1.0",
            "cohort_jobs{state=\"pending\"} 1.0",
            "cohort_jobs{state=\"succeeded\"} 1.0",
            "cohort_jobs{state=\"failed\"} 0.0",
            "cohort_jobs{state=\"cancelled\"} 0.0",
            "cohort_inputs_pending{task=\"echo\"} 50.0",
            "cohort_inputs_in_flight{task=\"echo\"} 7.0",
            "cohort_nodes{state=\"up\"} 1.0",
            "cohort_nodes{state=\"unreachable\"} 1.0",
            "cohort_nodes{state=\"draining\"} 0.0",
            "cohort_slots 6.0",
            "cohort_busy_slots 3.0",
            "cohort_result_log_bytes 4096.0",
            "cohort_node_slots{node=\"10.0.0.1:2552\"} 4.0",
            "cohort_node_slots{node=\"10.0.0.1:2552#2\"} 2.0",
            "cohort_node_busy_slots{node=\"10.0.0.1:2552\"} 3.0",
            "cohort_node_heap_used_bytes{node=\"10.0.0.1:2552\"} 5.0E7",
            "cohort_node_heap_max_bytes{node=\"10.0.0.1:2552\"} 5.0E8",
            "cohort_node_cpu_load_ratio{node=\"10.0.0.1:2552\"} 0.75",
            "cohort_node_joined_timestamp_seconds{node=\"10.0.0.1:2552\"} 1.76722561E9",
            "cohort_node_inputs_done_total{node=\"10.0.0.1:2552\"} 120.0",
            "cohort_node_inputs_failed_total{node=\"10.0.0.1:2552\"} 2.0",
            "cohort_node_inputs_done_total{node=\"10.0.0.1:2552#2\"} 0.0");
    assertThat(text).doesNotContain("cohort_inputs_pending{task=\"sleep\"}");
    assertThat(text).doesNotContain("cohort_node_heap_used_bytes{node=\"10.0.0.1:2552#2\"}");
  }

  private static JobStatus job(
      String id, String task, JobStatus.State state, long pending, long running) {
    return new JobStatus(
        id,
        task,
        state,
        false,
        null,
        100,
        0,
        0,
        running,
        pending,
        0,
        null,
        null,
        "2026-01-01T00:00:00Z",
        0,
        null,
        false,
        null);
  }
}
