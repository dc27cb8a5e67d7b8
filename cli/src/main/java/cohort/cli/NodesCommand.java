package cohort.cli;

import cohort.api.ClusterStatus;
import cohort.api.NodeStatus;
import cohort.client.CohortClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code cohort nodes}: the cluster's nodes, their slots and busy slots. */
@Command(name = "nodes", description = "List the cluster's nodes with their slots and busy slots.")
final class NodesCommand extends ListingCommand<ClusterStatus> {

  @Override
  ClusterStatus fetch(CohortClient client) {
    return client.cluster();
  }

  @Override
  void print(PrintWriter out, ClusterStatus cluster) {
    Table table = new Table("NODE", "STATUS", "SLOTS", "BUSY", "TASKS");
    for (NodeStatus node : cluster.nodes()) {
      table.row(
          node.address(), node.status(), node.slots(), node.busy(), String.join(",", node.tasks()));
    }
    table.print(out);
    out.printf(
        "%d nodes, %d slots, %d busy; coordinator %s, %d active jobs%n",
        cluster.nodes().size(),
        cluster.slots(),
        cluster.busySlots(),
        cluster.coordinator(),
        cluster.activeJobs());
  }
}
