package cohort.coordinator.placement;

import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.JobEvent.WaitingForNodes;
import cohort.coordinator.job.JobState;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * Tells the running jobs whether some node can run them, whenever the nodes or the jobs change: a
 * job that no node that takes work can run (none offers its task, or has the labels it requires)
 * waits, and its status says why, until one joins or comes back. Logs each change once.
 */
public final class NodeWaits {

  private NodeWaits() {}

  /**
   * Applies a {@link WaitingForNodes} to each running job whose reason to wait changed.
   *
   * @param log the coordinator's log, which says when a job starts and stops waiting
   * @param apply applies an event to a job, as the coordinator does
   */
  public static void note(
      JobRegistry jobs, NodeTable nodes, Logger log, BiConsumer<Job, WaitingForNodes> apply) {
    List<Job> active = jobs.active();
    for (Job job : active) {
      JobState state = job.state();
      String reason = reason(state, nodes);
      if (!Objects.equals(reason, state.waitingForNodes())) {
        if (reason != null) {
          log.info("job {} waits for nodes: {}", job.id(), reason);
        } else {
          log.info("job {} has nodes that can run it", job.id());
        }
        apply.accept(job, new WaitingForNodes(reason));
      }
    }
  }

  /** Why no node can run the job now, or null when some can. */
  static String reason(JobState job, NodeTable nodes) {
    return NodeNeeds.of(job.spec()).unmet(job.spec().task().offeredAs(), nodes).orElse(null);
  }
}
