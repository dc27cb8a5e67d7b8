package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.cli.CohortCommand;
import cohort.cli.local.JvmProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server whose own threads meet a fatal error ends at once; it does not hang on its way out. */
class FatalErrorIT {

  /**
   * Tests that a coordinator that can no longer load its classes (its jar emptied under it, so the
   * first job's classes fail to load on an actor thread) ends within seconds with exit code 70.
   * Pekko answers the error with System.exit from that thread; the clean stop that call starts
   * would need the threads stuck behind it and used to take the whole 60 s exit limit.
   */
  @Test
  void aCoordinatorThatCannotLoadItsClassesEndsAtOnce(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("cohort.jar");
    Files.copy(Children.jar(), jar);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    List<String> command = new ArrayList<>();
    command.add(JvmProcess.javaCommand());
    command.addAll(JvmProcess.STANDARD_JVM_FLAGS);
    command.addAll(
        List.of(
            "-cp",
            jar.toString(),
            JvmProcess.MAIN_CLASS,
            "coordinator",
            // Free ports the coordinator picks itself, and reports on its readiness line.
            "--http-port",
            "0",
            "--cluster-port",
            "0",
            "--data-dir",
            dir.resolve("data").toString()));
    Process coordinator =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Optional<String> ready;
      while ((ready = readyLine(out)).isEmpty()) {
        assertThat(coordinator.isAlive())
            .as("the coordinator is starting: %s", Files.readString(err))
            .isTrue();
        assertThat(System.nanoTime()).as("the coordinator did not start").isLessThan(deadline);
        Jobs.pause(50);
      }
      String http = JvmProcess.parseReady(ready.get()).get("http");
      try (FileChannel channel = FileChannel.open(jar, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      HttpClient.newHttpClient()
          .sendAsync(
              HttpRequest.newBuilder(URI.create(http + "/jobs"))
                  .header("Content-Type", "application/json")
                  // the token every JVM of the system tests gets from the build (pom.xml)
                  .header("Authorization", "Bearer " + System.getenv("COHORT_TOKEN"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"task\":\"echo\",\"range\":\"0..10\"}"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());

      assertThat(coordinator.waitFor(30, TimeUnit.SECONDS))
          .as("the coordinator ended within 30 s; its log: %s", Files.readString(err))
          .isTrue();
      assertThat(coordinator.exitValue()).isEqualTo(CohortCommand.FATAL);
      assertThat(Files.readString(err)).contains("a fatal error in thread cohort-pekko.");
    } finally {
      coordinator.destroyForcibly();
    }
  }

  /** The coordinator's readiness line, once it has printed all of it. */
  private static Optional<String> readyLine(Path out) throws IOException {
    String text = Files.readString(out, StandardCharsets.UTF_8);
    return text.substring(0, text.lastIndexOf('\n') + 1)
        .lines()
        .filter(line -> line.startsWith("cohort coordinator ready "))
        .findFirst();
  }
}
