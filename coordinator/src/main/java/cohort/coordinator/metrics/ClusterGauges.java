package cohort.coordinator.metrics;

import cohort.api.ClusterStatus;
import cohort.api.JobStatus;
import cohort.api.NodeStatus;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The metrics read at each scrape from what the coordinator holds: jobs by state, inputs waiting
 * and running by task, nodes by state, slots and busy slots (in all and per node), each node's
 * figures, and the result logs' size. It takes the cluster and the jobs as {@code GET /cluster} and
 * {@code GET /jobs} show them, so the metrics and the API never disagree.
 *
 * <p>Nodes are labelled by their address ({@code host:port}); nodes that share one (several in one
 * JVM) get {@code #2}, {@code #3}... after it.
 */
public final class ClusterGauges {

  private ClusterGauges() {}

  /**
   * The metrics of a moment.
   *
   * @param resultLogBytes the bytes in the result logs of the jobs the coordinator remembers
   */
  public static List<MetricSnapshot> of(
      ClusterStatus cluster, List<JobStatus> jobs, long resultLogBytes) {
    List<MetricSnapshot> metrics = new ArrayList<>();
    Map<String, Double> byState = new TreeMap<>();
    for (JobStatus.State state : JobStatus.State.values()) {
      byState.put(state.name().toLowerCase(Locale.ROOT), 0.0);
    }
    Map<String, Double> pending = new TreeMap<>();
    Map<String, Double> running = new TreeMap<>();
    for (JobStatus job : jobs) {
      byState.merge(job.state().name().toLowerCase(Locale.ROOT), 1.0, Double::sum);
      if (!job.state().terminal()) {
        pending.merge(job.task(), (double) job.pending(), Double::sum);
        running.merge(job.task(), (double) job.running(), Double::sum);
      }
    }
    metrics.add(
        gauge("cohort_jobs", "Jobs the coordinator remembers, by state.", "state", byState));
    metrics.add(
        gauge(
            "cohort_inputs_pending",
            "Inputs of running jobs not sent to a node: the queue, by task.",
            "task",
            pending));
    metrics.add(
        gauge("cohort_inputs_in_flight", "Inputs out on nodes now, by task.", "task", running));

    Map<String, Double> nodesByState = new TreeMap<>();
    for (String state : List.of("UP", "UNREACHABLE", "DRAINING")) {
      nodesByState.put(state.toLowerCase(Locale.ROOT), 0.0);
    }
    for (NodeStatus node : cluster.nodes()) {
      nodesByState.merge(node.status().toLowerCase(Locale.ROOT), 1.0, Double::sum);
    }
    metrics.add(gauge("cohort_nodes", "Registered nodes, by state.", "state", nodesByState));
    metrics.add(single("cohort_slots", "Slots of all the nodes.", cluster.slots()));
    metrics.add(
        single(
            "cohort_busy_slots",
            "Slots running or holding work now, on all the nodes.",
            cluster.busySlots()));
    metrics.add(
        single(
            "cohort_result_log_bytes",
            "Bytes in the result logs of the jobs the coordinator remembers.",
            resultLogBytes));
    perNode(metrics, cluster.nodes());
    return metrics;
  }

  private static void perNode(List<MetricSnapshot> metrics, List<NodeStatus> nodes) {
    Map<String, NodeStatus> labelled = new TreeMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (NodeStatus node : nodes) {
      int n = seen.merge(node.address(), 1, Integer::sum);
      labelled.put(n == 1 ? node.address() : node.address() + "#" + n, node);
    }
    metrics.add(nodeGauge("cohort_node_slots", "Slots of a node.", labelled, node -> node.slots()));
    metrics.add(
        nodeGauge(
            "cohort_node_busy_slots",
            "Slots of a node running or holding work now.",
            labelled,
            node -> node.busy()));
    metrics.add(
        nodeGauge(
            "cohort_node_heap_used_bytes",
            "Heap in use in a node's JVM, as it last reported.",
            labelled,
            node -> node.heapUsedBytes() == null ? Double.NaN : node.heapUsedBytes()));
    metrics.add(
        nodeGauge(
            "cohort_node_heap_max_bytes",
            "The most heap a node's JVM may have.",
            labelled,
            node -> node.heapMaxBytes() == null ? Double.NaN : node.heapMaxBytes()));
    metrics.add(
        nodeGauge(
            "cohort_node_cpu_load_ratio",
            "A node's JVM process's share of its machine's CPU, 0 to 1, as it last reported.",
            labelled,
            node -> node.cpuLoad() == null ? Double.NaN : node.cpuLoad()));
    metrics.add(
        nodeGauge(
            "cohort_node_joined_timestamp_seconds",
            "When a node registered with the coordinator.",
            labelled,
            node ->
                node.joinedAt() == null
                    ? Double.NaN
                    : Instant.parse(node.joinedAt()).toEpochMilli() / 1000.0));
    metrics.add(
        nodeCounter(
            "cohort_node_inputs_done",
            "Inputs a node reported a result for since it joined, ok or failed.",
            labelled,
            NodeStatus::inputsDone));
    metrics.add(
        nodeCounter(
            "cohort_node_inputs_failed",
            "Inputs that failed on a node since it joined.",
            labelled,
            NodeStatus::inputsFailed));
  }

  /** A gauge with one series per value of {@code label}. */
  static GaugeSnapshot gauge(String name, String help, String label, Map<String, Double> values) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
    values.forEach(
        (value, number) ->
            gauge.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of(label, value))
                    .value(number)
                    .build()));
    return gauge.build();
  }

  /** A gauge of one series. */
  static GaugeSnapshot single(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }

  /** A gauge per node; a node for which {@code value} is NaN (not reported yet) has none. */
  private static GaugeSnapshot nodeGauge(
      String name, String help, Map<String, NodeStatus> nodes, ToDoubleFunction<NodeStatus> value) {
    Map<String, Double> values = new TreeMap<>();
    nodes.forEach(
        (label, node) -> {
          double number = value.applyAsDouble(node);
          if (!Double.isNaN(number)) {
            values.put(label, number);
          }
        });
    return gauge(name, help, "node", values);
  }

  private static CounterSnapshot nodeCounter(
      String name, String help, Map<String, NodeStatus> nodes, Function<NodeStatus, Long> value) {
    CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
    nodes.forEach(
        (label, node) ->
            counter.dataPoint(
                CounterDataPointSnapshot.builder()
                    .labels(Labels.of("node", label))
                    .value(value.apply(node))
                    .build()));
    return counter.build();
  }
}
