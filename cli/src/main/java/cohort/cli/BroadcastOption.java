package cohort.cli;

import cohort.api.JobRequest;
import cohort.api.broadcast.Broadcasts;
import cohort.client.CohortClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --broadcast NAME=FILE}: a file every node gets once for the job, which tasks read by name
 * through their context. Each file is hashed, and uploaded to the coordinator only when it has not
 * got those bytes yet; nodes keep it by digest, so a later job with the same file fetches nothing.
 */
final class BroadcastOption {

  @Option(
      names = "--broadcast",
      paramLabel = "NAME=FILE",
      description =
          "Send FILE to every node once for the job; tasks read it as NAME"
              + " (context.broadcast(NAME)). Repeat for more.")
  Map<String, Path> files = new LinkedHashMap<>();

  /** Whether the job has broadcasts. */
  boolean given() {
    return !files.isEmpty();
  }

  /**
   * Checks the names and files before anything is sent.
   *
   * @throws IllegalArgumentException naming a bad name or a missing file
   */
  void check() {
    if (files.size() > Broadcasts.MAX_PER_JOB) {
      throw new IllegalArgumentException(
          "--broadcast is given "
              + files.size()
              + " times; a job may have at most "
              + Broadcasts.MAX_PER_JOB
              + " broadcasts");
    }
    files.forEach(
        (name, file) -> {
          Broadcasts.checkName(name);
          if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                "--broadcast " + name + "=" + file + ": no such file");
          }
        });
  }

  /** The request with the files uploaded where needed and named; as it is without any. */
  JobRequest apply(JobRequest request, CohortClient client) {
    if (files.isEmpty()) {
      return request;
    }
    return request.withBroadcast(client.broadcasts().shareAll(files));
  }
}
