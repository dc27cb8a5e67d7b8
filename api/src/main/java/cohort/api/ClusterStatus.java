package cohort.api;

import java.util.List;

/**
 * The cluster as {@code GET /cluster} shows it.
 *
 * @param coordinator the coordinator's cluster address
 * @param nodes every registered node
 * @param slots the sum of the nodes' slots
 * @param busySlots slots running or holding work now
 * @param activeJobs jobs not finished yet
 */
public record ClusterStatus(
    String coordinator, List<NodeStatus> nodes, int slots, int busySlots, int activeJobs) {}
