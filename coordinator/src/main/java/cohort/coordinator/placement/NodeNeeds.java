package cohort.coordinator.placement;

import cohort.api.labels.Label;
import cohort.api.labels.Requirement;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a job needs of the nodes: the labels it requires, and whether it waits for nodes that can
 * run it rather than be refused when there are none ({@code --wait-for-nodes}).
 *
 * @param require the labels a node must have to run the job's inputs
 * @param waitForNodes accept the job when no node can run it yet, and let it wait
 */
public record NodeNeeds(Requirement require, boolean waitForNodes) {

  /** A job that needs only a node that offers its task, and is refused while there is none. */
  public static final NodeNeeds NONE = new NodeNeeds(Requirement.NONE, false);

  /** Nodes a message lists at most by their labels; the rest are counted. */
  static final int MAX_LISTED = 5;

  public NodeNeeds {
    if (require == null) {
      require = Requirement.NONE;
    }
  }

  /** What the job of this spec needs. */
  public static NodeNeeds of(JobSpec spec) {
    return new NodeNeeds(spec.require(), spec.waitForNodes());
  }

  /**
   * Why no node can run a job for {@code task} with these needs now, in plain words ({@code no node
   * has the label gpu (nodes have: zone=a on 10.0.0.5:2552)}); empty when some node that takes work
   * offers the task and has every required label.
   */
  public Optional<String> unmet(String task, NodeTable nodes) {
    if (!nodes.candidates(task, require).isEmpty()) {
      return Optional.empty();
    }
    if (nodes.isEmpty()) {
      return Optional.of("no node has joined the cluster yet");
    }
    List<NodeTable.Node> offering =
        nodes.nodes().stream().filter(n -> n.available() && n.offers(task)).toList();
    if (offering.isEmpty()) {
      return Optional.of(
          "no node that takes work offers task '"
              + task
              + "'"
              + (require.isEmpty() ? "" : " (it requires the labels " + require + ")"));
    }
    List<Label> missing = new ArrayList<>();
    for (Label label : require.labels()) {
      if (offering.stream().noneMatch(node -> label.metBy(node.labels().byName()))) {
        missing.add(label);
      }
    }
    String which =
        missing.isEmpty()
            ? "no one node has all the labels " + require
            : "no node has the label" + (missing.size() == 1 ? " " : "s ") + joined(missing);
    return Optional.of(which + " (nodes have: " + have(offering) + ")");
  }

  /**
   * Why a job for {@code task} is refused when no node can run it and it does not wait, with how to
   * fix that; empty when some node can run it.
   */
  public Optional<String> refusal(String task, NodeTable nodes) {
    return unmet(task, nodes)
        .map(
            why ->
                why
                    + ": start a node with "
                    + require.labels().stream()
                        .map(label -> "--label " + label)
                        .collect(Collectors.joining(" "))
                    + ", or submit with --wait-for-nodes (\"waitForNodes\": true) to wait for"
                    + " one");
  }

  private static String joined(List<Label> labels) {
    return labels.stream().map(Label::toString).collect(Collectors.joining(", "));
  }

  /** What the nodes have: {@code zone=a on 10.0.0.5:2552; no labels on 10.0.0.6:2552}. */
  private static String have(List<NodeTable.Node> nodes) {
    List<String> each = new ArrayList<>();
    for (NodeTable.Node node : nodes.subList(0, Math.min(MAX_LISTED, nodes.size()))) {
      each.add(node.labels() + " on " + node.address());
    }
    if (nodes.size() > MAX_LISTED) {
      each.add("and " + (nodes.size() - MAX_LISTED) + " more nodes");
    }
    return String.join("; ", each);
  }
}
