package cohort.cli;

import cohort.api.ClusterStatus;
import cohort.api.NodeStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cohort nodes}: the cluster's nodes, their slots and busy slots. */
@Command(name = "nodes", description = "List the cluster's nodes with their slots and busy slots.")
final class NodesCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print the cluster as JSON.")
  boolean json;

  @Mixin CoordinatorOption coordinator;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ClusterStatus cluster = coordinator.client().cluster();
    if (json) {
      JsonOutput.print(out, cluster);
      return CohortCommand.OK;
    }
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
    out.flush();
    return CohortCommand.OK;
  }
}
