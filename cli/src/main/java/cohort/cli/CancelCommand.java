package cohort.cli;

import cohort.api.JobStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cohort cancel JOB}: stops a job on every node; results already in stay readable. */
@Command(
    name = "cancel",
    description =
        "Cancel a job: queued inputs are dropped, running ones interrupted on every node.")
final class CancelCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String job;

  @Mixin CoordinatorOption coordinator;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    JobStatus status = coordinator.client().cancel(job);
    JsonOutput.print(spec.commandLine().getOut(), status);
    return CohortCommand.OK;
  }
}
