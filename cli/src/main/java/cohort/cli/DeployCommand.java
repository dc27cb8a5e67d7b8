package cohort.cli;

import cohort.api.TaskInfo;
import cohort.api.code.CodeRef;
import cohort.api.code.DeployRequest;
import cohort.api.code.Deployment;
import cohort.client.CodePackage;
import cohort.client.CohortClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cohort deploy JAR...}: gives the cluster tasks without installing them on any node. The
 * coordinator keeps the jars (in its data folder, so they outlive it) and a node checks that they
 * load; jobs then name the tasks as if they were installed, on every node, those that join later
 * included. Deploying a task name again replaces it for the jobs that come after.
 */
@Command(
    name = "deploy",
    description = {
      "Send jars of tasks to the cluster: jobs then run them by name on every node.",
      "The first jar lists its tasks in META-INF/services/cohort.task.Task; more jars are",
      "the libraries it needs. A task deployed again is replaced for later jobs."
    })
final class DeployCommand extends ListingCommand<Deployment> {

  @Parameters(arity = "1..*", paramLabel = "JAR", description = "The task jar, then its libraries.")
  List<Path> jars = new ArrayList<>();

  @Override
  Deployment fetch(CohortClient client) {
    List<CodePackage> packages;
    try {
      packages = jars.stream().map(CodePackage::ofJar).toList();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    CodeRef code = client.code().ship(packages, null);
    return client
        .code()
        .deploy(new DeployRequest(code, packages.stream().map(CodePackage::name).toList()));
  }

  @Override
  void print(PrintWriter out, Deployment deployment) {
    out.printf("%s%n", deployment.origin());
    for (TaskInfo task : deployment.tasks()) {
      out.printf("  %-12s %s%n", task.name(), task.description());
    }
  }
}
