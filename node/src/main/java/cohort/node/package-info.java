/**
 * A node JVM: the {@link cohort.node.Worker} actor that owns the node's slots, the {@link
 * cohort.node.TaskRegistry} of tasks found with {@code ServiceLoader}, and {@link
 * cohort.node.NodeApp}, which starts a node.
 */
package cohort.node;
