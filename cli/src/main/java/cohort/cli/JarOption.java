package cohort.cli;

import cohort.api.JobRequest;
import cohort.client.CodePackage;
import cohort.client.CohortClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --jar FILE}: the task's code comes with the job. The jars are uploaded to the coordinator
 * (each once, by its SHA-256), and the nodes fetch and load them for this job only; the task is
 * found by name among the tasks the first jar lists in {@code META-INF/services/cohort.task.Task}.
 */
final class JarOption {

  @Option(
      names = "--jar",
      paramLabel = "FILE",
      description =
          "A jar with the task (listed in META-INF/services/cohort.task.Task), sent to the nodes"
              + " for this job; repeat for the jars it needs.")
  List<Path> jars = new ArrayList<>();

  /** Whether the job brings code. */
  boolean given() {
    return !jars.isEmpty();
  }

  /**
   * The request with the jars uploaded and named; as it is without {@code --jar}.
   *
   * @throws IllegalArgumentException when a jar is not a file
   */
  JobRequest apply(JobRequest request, CohortClient client) {
    if (jars.isEmpty()) {
      return request;
    }
    List<CodePackage> packages = jars.stream().map(CodePackage::ofJar).toList();
    return request.withCode(client.code().ship(packages, null));
  }
}
