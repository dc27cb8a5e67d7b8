package cohort.cli;

import cohort.api.JobStatus;
import cohort.client.CohortClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cohort status [JOB]}: one job's status as JSON, or a table of every job. */
@Command(name = "status", description = "Show one job's status as JSON, or list every job.")
final class StatusCommand extends ListingCommand<List<JobStatus>> {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB",
      description = "A job id; omit to list all jobs.")
  String job;

  @Override
  public Integer call() {
    if (job == null) {
      return super.call();
    }
    PrintWriter out = out();
    JsonOutput.print(out, coordinator.client().status(job));
    out.flush();
    return CohortCommand.OK;
  }

  @Override
  List<JobStatus> fetch(CohortClient client) {
    return client.jobs();
  }

  @Override
  void print(PrintWriter out, List<JobStatus> jobs) {
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
    for (JobStatus status : jobs) {
      if (status.waiting() != null) {
        out.println("job " + status.id() + " waits: " + status.waiting());
      }
    }
  }
}
