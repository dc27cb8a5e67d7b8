package cohort.cli;

import cohort.api.ParamInfo;
import cohort.api.TaskInfo;
import cohort.client.CohortClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code cohort tasks}: the tasks the cluster's nodes offer, with their inputs and parameters. */
@Command(
    name = "tasks",
    description =
        "List the tasks the nodes offer and those deployed, with their inputs, parameters and"
            + " where each comes from.")
final class TasksCommand extends ListingCommand<List<TaskInfo>> {

  @Override
  List<TaskInfo> fetch(CohortClient client) {
    return client.tasks();
  }

  @Override
  void print(PrintWriter out, List<TaskInfo> tasks) {
    for (TaskInfo task : tasks) {
      out.printf("%-12s %s%n", task.name(), task.description());
      out.printf("%-12s   input: %s%n", "", task.input());
      if (task.origin() != null) {
        out.printf("%-12s   from: %s%n", "", task.origin());
      }
      for (ParamInfo param : task.params()) {
        out.printf(
            "%-12s   -p %s=<%s>%s%n",
            "",
            param.name(),
            param.type(),
            param.description() == null ? "" : "  " + param.description());
      }
    }
  }
}
