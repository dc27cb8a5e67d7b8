package cohort.cli;

import cohort.api.ClusterStatus;
import cohort.api.DepartedNode;
import cohort.api.NodeStatus;
import cohort.client.CohortClient;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code cohort nodes}: the cluster's nodes, their slots and busy slots, inputs done, heap and CPU;
 * then the nodes that left recently and why.
 */
@Command(
    name = "nodes",
    description =
        "List the cluster's nodes with their slots, busy slots, inputs done, heap and CPU, labels"
            + " and tasks, and the nodes that left recently.")
final class NodesCommand extends ListingCommand<ClusterStatus> {

  @Override
  ClusterStatus fetch(CohortClient client) {
    return client.cluster();
  }

  @Override
  void print(PrintWriter out, ClusterStatus cluster) {
    Table table =
        new Table(
            "NODE", "STATUS", "SLOTS", "BUSY", "DONE", "FAILED", "HEAP", "CPU", "LABELS", "TASKS");
    for (NodeStatus node : cluster.nodes()) {
      table.row(
          node.address(),
          node.status(),
          node.slots(),
          node.busy(),
          node.inputsDone(),
          node.inputsFailed(),
          heap(node),
          node.cpuLoad() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", node.cpuLoad() * 100),
          node.labels() == null || node.labels().isEmpty() ? "-" : String.join(",", node.labels()),
          String.join(",", node.tasks()));
    }
    table.print(out);
    out.printf(
        "%d nodes, %d slots, %d busy; coordinator %s, %d active jobs%n",
        cluster.nodes().size(),
        cluster.slots(),
        cluster.busySlots(),
        cluster.coordinator(),
        cluster.activeJobs());
    if (!cluster.departed().isEmpty()) {
      out.println("left recently:");
      for (DepartedNode gone : cluster.departed()) {
        out.printf(
            "  %s at %s: %s (%d inputs done, %d failed)%n",
            gone.address(), gone.leftAt(), gone.why(), gone.inputsDone(), gone.inputsFailed());
      }
    }
  }

  /**
   * Heap in use of the most, in MiB: {@code 120/512M}; {@code -} before the node's first report.
   */
  private static String heap(NodeStatus node) {
    if (node.heapUsedBytes() == null) {
      return "-";
    }
    long mib = 1024 * 1024;
    return node.heapUsedBytes() / mib
        + (node.heapMaxBytes() == null ? "" : "/" + node.heapMaxBytes() / mib)
        + "M";
  }
}
