package cohort.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code cohort joblog JOB}: prints a job's log as tab-separated text, one row per input, with GNU
 * parallel's {@code --joblog} columns first and Cohort's attempts and outcome after them.
 */
@Command(
    name = "joblog",
    description =
        "Print a job's log as TSV: one row per input with its node, start, run time, exit code,"
            + " attempts and outcome (GNU parallel's --joblog columns first).")
final class JobLogCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String job;

  @Mixin CoordinatorOption coordinator;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Stream<String> lines = coordinator.client().jobLog(job)) {
      lines.forEach(out::println);
    }
    out.flush();
    return CohortCommand.OK;
  }
}
