package cohort.coordinator.dispatch;

import cohort.coordinator.jobs.Job;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Makes room for a job of higher priority that a round could not place: nodes hold batches queued
 * behind those their slots run, sent while only lower priorities had work. Those that have not
 * started are asked back (newest first), so that the higher job takes each slot as it frees instead
 * of waiting for the queues to drain. Running batches are never stopped.
 */
final class PriorityRecall {

  private PriorityRecall() {}

  /**
   * The queued batches to ask back.
   *
   * @param waiting the jobs left with work after the round, the highest priority first
   * @param priorities the priority of each running job, by id
   * @param skip batches already asked for or kept by their holder, which are not asked again
   */
  static List<Rebalancer.Recall> plan(
      NodeTable nodes,
      List<Job> waiting,
      Map<String, Integer> priorities,
      java.util.function.BiPredicate<String, BatchKey> skip) {
    if (waiting.isEmpty()) {
      return List.of();
    }
    List<Rebalancer.Recall> recalls = new ArrayList<>();
    for (NodeTable.Node node : nodes.nodes()) {
      if (!node.available() || node.outstanding().size() <= node.running().size()) {
        continue;
      }
      int top = topFor(node, waiting);
      if (top == Integer.MIN_VALUE) {
        continue;
      }
      List<BatchKey> queued = new ArrayList<>();
      for (BatchKey key : node.outstanding()) {
        Integer priority = priorities.get(key.job());
        if (priority != null
            && priority < top
            && !node.running().contains(key)
            && !skip.test(node.id(), key)) {
          queued.add(key);
        }
      }
      if (!queued.isEmpty()) {
        queued.sort(Comparator.comparingLong(BatchKey::batch).reversed());
        recalls.add(new Rebalancer.Recall(node, List.copyOf(queued)));
      }
    }
    return recalls;
  }

  /** The highest priority of the waiting jobs the node runs; MIN_VALUE if it runs none. */
  private static int topFor(NodeTable.Node node, List<Job> waiting) {
    for (Job job : waiting) {
      if (node.serves(job.state().spec().task().offeredAs(), job.state().spec().require())) {
        return job.state().spec().policy().priority();
      }
    }
    return Integer.MIN_VALUE;
  }
}
