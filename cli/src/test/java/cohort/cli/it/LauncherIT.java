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
}
