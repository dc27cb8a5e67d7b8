package cohort.cli;

import cohort.api.ParamInfo;
import cohort.api.TaskInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cohort tasks}: the tasks the cluster's nodes offer, with their inputs and parameters. */
@Command(
    name = "tasks",
    description = "List the tasks the nodes offer, with their inputs and parameters.")
final class TasksCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print the tasks as JSON.")
  boolean json;

  @Mixin CoordinatorOption coordinator;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<TaskInfo> tasks = coordinator.client().tasks();
    if (json) {
      JsonOutput.print(out, tasks);
      return CohortCommand.OK;
    }
    for (TaskInfo task : tasks) {
      out.printf("%-12s %s%n", task.name(), task.description());
      out.printf("%-12s   input: %s%n", "", task.input());
      for (ParamInfo param : task.params()) {
        out.printf(
            "%-12s   -p %s=<%s>%s%n",
            "",
            param.name(),
            param.type(),
            param.description() == null ? "" : "  " + param.description());
      }
    }
    out.flush();
    return CohortCommand.OK;
  }
}
