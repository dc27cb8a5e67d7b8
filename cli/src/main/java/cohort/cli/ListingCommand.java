package cohort.cli;

import cohort.client.CohortClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that asks the coordinator for something and prints it: as a table for people, or as
 * JSON with {@code --json}.
 *
 * @param <T> what the coordinator answers
 */
abstract class ListingCommand<T> implements Callable<Integer> {

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Mixin CoordinatorOption coordinator;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Asks the coordinator. */
  abstract T fetch(CohortClient client);

  /** Prints the answer for people. */
  abstract void print(PrintWriter out, T answer);

  /** The command's output. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public Integer call() {
    PrintWriter out = out();
    T answer = fetch(coordinator.client());
    if (json) {
      JsonOutput.print(out, answer);
    } else {
      print(out, answer);
    }
    out.flush();
    return CohortCommand.OK;
  }
}
