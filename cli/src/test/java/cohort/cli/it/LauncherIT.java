package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/cohort}, the launcher: what it starts keeps running when the jar is rebuilt. */
class LauncherIT {

  /**
   * Tests that a cluster started with {@code bin/cohort local} still loads its classes after the
   * build's jar is rewritten in place, as Maven does when the launcher rebuilds it for changed
   * sources. The thumbnail task loads its image libraries on first use, after the rewrite.
   */
  @Test
  void aRunningClusterOutlivesARebuildOfTheJar(@TempDir Path dir) throws Exception {
    Path jar = Children.jar();
    Path saved = dir.resolve("cohort.jar");
    Files.copy(jar, saved, StandardCopyOption.COPY_ATTRIBUTES);
    FileTime built = Files.getLastModifiedTime(jar);
    Path photo = dir.resolve("photo.jpg");
    BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
    image.getGraphics().fillRect(20, 20, 60, 40);
    ImageIO.write(image, "jpg", photo.toFile());

    // Free ports the coordinator picks itself; the readiness line says which.
    Cli.Running local =
        Cli.startLauncher(
            Map.of("COHORT_HTTP_PORT", "0", "COHORT_CLUSTER_PORT", "0"), "local", "--nodes", "1");
    ProcessHandle handle = local.handle();
    try {
      String ready = local.awaitStdoutLine("cohort local ready", Duration.ofSeconds(180));
      CohortClient client =
          CohortClient.connect(URI.create(JvmProcess.parseReady(ready).get("http")));
      assertThat(client.run(JobRequest.of("echo", List.of(IntNode.valueOf(7)))).results())
          .extracting(result -> result.output().intValue())
          .containsExactly(7);

      // What a rebuild does to the file: the same path, rewritten. Emptied here, the harshest case.
      try (FileChannel channel = FileChannel.open(jar, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }

      JobOutcome outcome =
          client.run(
              JobRequest.of("thumbnail", List.<JsonNode>of(TextNode.valueOf(photo.toString())))
                  .withParams(Map.of("size", TextNode.valueOf("40x40"))));
      assertThat(outcome.results()).hasSize(1);
      assertThat(outcome.results().get(0).error()).isNull();
      assertThat(outcome.results().get(0).output().get("width").intValue()).isEqualTo(40);
      assertThat(outcome.job().state()).isEqualTo(JobStatus.State.SUCCEEDED);

      local.signal("TERM");
      local.await(Duration.ofSeconds(90));
    } finally {
      Files.copy(saved, jar, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(jar, built);
      Children.kill(handle);
    }
  }

  /**
   * Tests that the launcher starts its JVM with the class-data sharing archive the build made for
   * the jar it runs: the command's classes come from the archive, not from the jar.
   */
  @Test
  void theLauncherStartsItsJvmWithTheBuildsClassArchive() throws Exception {
    Cli.Run run = version(Map.of("COHORT_JAVA_OPTS", "-Xlog:class+load=info"));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("cohort 0.1.0");
    assertThat(run.stdout())
        .anyMatch(
            line -> line.endsWith(" cohort.cli.CohortCommand source: shared objects file (top)"));
  }

  /**
   * Tests that a missing, cut-off, foreign or stale archive never breaks a run: the launcher (or
   * the JVM) leaves it out silently and the command runs from the jar as before.
   */
  @Test
  void anArchiveThatCannotBeUsedIsLeftOutSilently(@TempDir Path dir) throws Exception {
    version(Map.of()); // makes sure the snapshot and its archive are in place
    Path archive = currentArchive();
    Path snapshot = archive.resolveSibling(snapshotName(archive) + ".jar");
    Path saved = dir.resolve("saved.jsa");
    Files.move(archive, saved);
    FileTime snapshotTime = Files.getLastModifiedTime(snapshot);
    try {
      assertRunsFromTheJar("no archive");

      byte[] whole = Files.readAllBytes(saved);
      Path cut = archive.resolveSibling(archive.getFileName().toString());
      Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
      assertRunsFromTheJar("an archive cut off halfway (a JVM that maps it crashes)");
      Files.delete(cut);

      Path garbage = archive.resolveSibling(snapshotName(archive) + ".1000.jsa");
      Files.write(garbage, new byte[1000]);
      assertRunsFromTheJar("an archive that is not one");
      Files.delete(garbage);

      Files.copy(saved, archive);
      Files.setLastModifiedTime(snapshot, FileTime.fromMillis(snapshotTime.toMillis() + 60_000));
      assertRunsFromTheJar("an archive made for another jar");
    } finally {
      Files.setLastModifiedTime(snapshot, snapshotTime);
      Files.deleteIfExists(archive);
      Files.move(saved, archive);
    }
  }

  private static void assertRunsFromTheJar(String what) {
    Cli.Run run = version(Map.of("COHORT_JAVA_OPTS", "-Xlog:class+load=info"));
    assertThat(run.exitCode()).as(what + ": " + run.stderr()).isZero();
    assertThat(run.stderr()).as(what).isEmpty();
    assertThat(run.stdout()).as(what).contains("cohort 0.1.0");
    assertThat(run.stdout())
        .as(what)
        .anyMatch(line -> line.contains(" cohort.cli.CohortCommand source: file:"));
  }

  private static Cli.Run version(Map<String, String> env) {
    try {
      return Cli.startLauncher(env, "--version").await(Duration.ofSeconds(120));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The archive the build made for the current jar's snapshot. */
  private static Path currentArchive() throws java.io.IOException {
    Path jar = Children.jar();
    String snapshot =
        "cohort-" + Files.getLastModifiedTime(jar).toMillis() / 1000 + "-" + Files.size(jar) + ".";
    try (var files = Files.list(jar.resolveSibling("run"))) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(snapshot))
          .filter(f -> f.getFileName().toString().endsWith(".jsa"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("the build made no archive for " + jar));
    }
  }

  /** {@code cohort-MTIME-SIZE} of {@code cohort-MTIME-SIZE.BYTES.jsa}. */
  private static String snapshotName(Path archive) {
    String name = archive.getFileName().toString();
    return name.substring(0, name.indexOf('.'));
  }
}
