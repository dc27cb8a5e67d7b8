package cohort.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cohort dashboard}: prints a link that opens the coordinator's dashboard in a browser,
 * logged in, without showing the token; the link works once, within a minute.
 */
@Command(
    name = "dashboard",
    description =
        "Print a link that opens the web dashboard, logged in: it works once, within a minute."
            + " Without it, the dashboard's login page asks for the token.")
final class DashboardCommand implements Callable<Integer> {

  @Mixin CoordinatorOption coordinator;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    URI link = coordinator.client().dashboardLink();
    PrintWriter out = spec.commandLine().getOut();
    out.println(link);
    out.flush();
    return CohortCommand.OK;
  }
}
