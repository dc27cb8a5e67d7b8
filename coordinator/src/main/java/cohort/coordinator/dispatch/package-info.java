/**
 * The coordinator's view of the nodes and their credit: {@link
 * cohort.coordinator.dispatch.NodeTable}.
 */
package cohort.coordinator.dispatch;
