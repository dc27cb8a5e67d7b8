package cohort.coordinator.dispatch;

import cohort.api.TaskInfo;
import cohort.api.labels.Requirement;
import cohort.protocol.TaskSpec;
import io.vavr.collection.HashMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the nodes offer, task by task: the names one node runs, and over all nodes which take a
 * task, how many slots and how much capacity they have for it, and every task some node knows. The
 * {@link NodeTable} keeps the answers per set of nodes ({@link NodeShape}); this class only works
 * them out, so the table itself is about nodes and the batches they hold.
 */
final class TaskOffers {

  private TaskOffers() {}

  /** The names of the tasks a node runs: its enabled tasks, and shipped code when it runs that. */
  static Set<String> runs(List<TaskInfo> tasks, boolean shippedCode) {
    return Stream.concat(
            tasks.stream().filter(TaskInfo::enabled).map(TaskInfo::name),
            shippedCode ? Stream.of(TaskSpec.SHIPPED_CODE) : Stream.empty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Addresses of the nodes that take work now, offer the task and have the labels required. */
  static Set<String> candidates(
      HashMap<String, NodeTable.Node> nodes, String task, Requirement require) {
    Set<String> addresses = new HashSet<>();
    for (NodeTable.Node node : nodes.valuesIterator()) {
      if (node.available() && node.serves(task, require)) {
        addresses.add(node.address());
      }
    }
    return Set.copyOf(addresses);
  }

  /**
   * The sum of {@code each} over the nodes that take work now, offer {@code task} and have the
   * labels required.
   */
  static int sumOverServing(
      HashMap<String, NodeTable.Node> nodes,
      String task,
      Requirement require,
      ToIntFunction<NodeTable.Node> each) {
    int sum = 0;
    for (NodeTable.Node node : nodes.valuesIterator()) {
      if (node.available() && node.serves(task, require)) {
        sum += each.applyAsInt(node);
      }
    }
    return sum;
  }

  /**
   * Every task the nodes know, by name: as a node that runs it describes it, or, when none does,
   * with the reason it is off.
   *
   * @param nodes by id, so that the first node to describe a task is always the same
   */
  static List<TaskInfo> merged(List<NodeTable.Node> nodes) {
    Map<String, TaskInfo> byName = new TreeMap<>();
    for (NodeTable.Node node : nodes) {
      for (TaskInfo info : node.tasks()) {
        TaskInfo known = byName.get(info.name());
        if (known == null || (!known.enabled() && info.enabled())) {
          byName.put(info.name(), info);
        }
      }
    }
    return new ArrayList<>(byName.values());
  }
}
