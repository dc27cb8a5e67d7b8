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
 * @param departed the nodes that left recently (at most 20), the newest first; empty from an older
 *     coordinator
 */
public record ClusterStatus(
    String coordinator,
    List<NodeStatus> nodes,
    int slots,
    int busySlots,
    int activeJobs,
    List<DepartedNode> departed) {

  public ClusterStatus {
    departed = departed == null ? List.of() : List.copyOf(departed);
  }
}
