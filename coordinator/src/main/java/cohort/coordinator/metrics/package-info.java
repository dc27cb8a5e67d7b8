/**
 * The coordinator's metrics in the Prometheus text format ({@code GET /metrics}), and the figures
 * it keeps per node for them and for {@code GET /cluster}.
 *
 * <p>Events are counted where they happen, by {@link cohort.coordinator.metrics.CoordinatorMetrics}
 * (inputs by task as jobs change, batches sent, results received, task durations, HTTP requests);
 * what the coordinator holds anyway (jobs by state, queue depth, nodes, slots) is read from it at
 * each scrape ({@link cohort.coordinator.metrics.ClusterGauges}). Nodes send their heap and CPU
 * figures to the coordinator, which keeps them with what each node ran ({@link
 * cohort.coordinator.metrics.NodeFigures}): Prometheus scrapes the coordinator alone, one target
 * for the whole cluster.
 */
package cohort.coordinator.metrics;
