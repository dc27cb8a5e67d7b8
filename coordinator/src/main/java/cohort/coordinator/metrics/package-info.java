/**
 * The figures the coordinator keeps per node ({@link cohort.coordinator.metrics.NodeFigures}) for
 * {@code GET /cluster}: what each node ran, the heap and CPU figures it reports, and the nodes that
 * left recently. Nodes send their figures to the coordinator, so one place shows the whole cluster.
 */
package cohort.coordinator.metrics;
