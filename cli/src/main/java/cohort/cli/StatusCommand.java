package cohort.cli;

import cohort.api.JobStatus;
import cohort.client.CohortClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cohort status [JOB]}: one job's status as JSON, or a table of every job. */
@Command(name = "status", description = "Show one job's status as JSON, or list every job.")
final class StatusCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB",
      description = "A job id; omit to list all jobs.")
  String job;

  @Option(names = "--json", description = "Print the job list as JSON.")
  boolean json;

  @Mixin CoordinatorOption coordinator;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CohortClient client = coordinator.client();
    if (job != null) {
      JsonOutput.print(out, client.status(job));
      return CohortCommand.OK;
    }
    List<JobStatus> jobs = client.jobs();
    if (json) {
      JsonOutput.print(out, jobs);
      return CohortCommand.OK;
    }
    Table table = new Table("ID", "STATE", "TASK", "DONE", "FAILED", "ELAPSED");
    for (JobStatus status : jobs) {
      table.row(
          status.id(),
          status.state(),
          status.task(),
          status.done() + "/" + status.total(),
          status.failed(),
          String.format("%.1fs", status.elapsedMillis() / 1000.0));
    }
    table.print(out);
    return CohortCommand.OK;
  }
}
