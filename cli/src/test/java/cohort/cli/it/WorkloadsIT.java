package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobStatus;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real workloads on two node JVMs that allow commands: thumbnails in both file modes, exec, and a
 * streamed job larger than the heaps of the JVMs it passes through.
 */
class WorkloadsIT {

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(2, false, List.of("--allow-exec"));

  private final ObjectMapper json = new ObjectMapper();

  /**
   * Writes {@code count} images in turn as JPEG, PNG, GIF and BMP, some large, plus a corrupt one.
   */
  private static List<Path> images(Path dir, int count) throws Exception {
    Random random = new Random(3);
    List<Path> files = new ArrayList<>();
    String[] formats = {"jpg", "png", "gif", "bmp"};
    for (int i = 0; i < count; i++) {
      int w = i % 3 == 0 ? 1600 : 320 + random.nextInt(400);
      int h = i % 3 == 0 ? 1200 : 200 + random.nextInt(400);
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      for (int k = 0; k < 20; k++) {
        g.setColor(new Color(random.nextInt(0xffffff)));
        g.fillOval(
            random.nextInt(w),
            random.nextInt(h),
            random.nextInt(w / 2) + 1,
            random.nextInt(h / 2) + 1);
      }
      g.dispose();
      String format = formats[i % formats.length];
      Path file = dir.resolve((i % 2 == 0 ? "a/" : "b/") + "img-" + i + "." + format);
      Files.createDirectories(file.getParent());
      ImageIO.write(image, format, file.toFile());
      files.add(file);
    }
    Path corrupt = dir.resolve("a/broken.jpg");
    byte[] good = Files.readAllBytes(files.get(0));
    Files.write(corrupt, java.util.Arrays.copyOf(good, good.length / 3));
    return files;
  }

  private void assertThumbnails(Cli.Run run, Path out, int count) throws Exception {
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
    assertThat(run.stdout()).hasSize(count + 1);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.stdout()) {
      lines.add(json.readTree(line));
    }
    JsonNode broken = lines.stream().filter(l -> l.has("error")).findFirst().orElseThrow();
    assertThat(broken.get("error").get("message").asText())
        .startsWith("a/broken.jpg is truncated or corrupt");
    List<Path> thumbs = written(out);
    assertThat(thumbs).hasSize(count);
    for (Path thumb : thumbs) {
      BufferedImage image = ImageIO.read(thumb.toFile());
      assertThat(image).as(thumb.toString()).isNotNull();
      assertThat(Math.max(image.getWidth(), image.getHeight())).as(thumb.toString()).isEqualTo(75);
      assertThat(thumb.getFileName().toString()).endsWith(".jpg");
    }
  }

  /** Tests thumbnails with the files' bytes sent through the cluster and written by the client. */
  @Test
  void thumbnailsThroughTheCluster(@TempDir Path photos, @TempDir Path thumbs) throws Exception {
    images(photos, 30);
    Cli.Run run =
        Cli.run(
            "submit",
            "thumbnail",
            "--dir",
            photos.toString(),
            "--out",
            thumbs.toString(),
            "--coordinator",
            CLUSTER.cluster().url());
    assertThumbnails(run, thumbs, 30);
    assertThat(run.stdout())
        .anySatisfy(
            line -> assertThat(line).contains("\"path\":\"" + thumbs.resolve("a/img-0.jpg")));
  }

  /**
   * Tests thumbnails in the cluster inside {@code cohort submit}: its node reads the files in
   * place, named by path in the job itself (no fingerprints to check, nothing sent while it runs),
   * and when it may not (as a node on another machine could not), their bytes travel over the HTTP
   * API that the command then starts for them.
   */
  @Test
  void thumbnailsInTheClusterInsideSubmit(@TempDir Path photos, @TempDir Path thumbs)
      throws Exception {
    images(photos, 6);
    Cli.Run inPlace =
        Cli.run(
            "submit",
            "thumbnail",
            "--dir",
            photos.toString(),
            "--out",
            thumbs.resolve("here") + "");
    assertThumbnails(inPlace, thumbs.resolve("here"), 6);
    assertThat(inPlace.stderr()).doesNotContain("travelled");
    // Named by path alone: no blob to ask for, no fingerprint.
    assertThat(inPlace.stdout())
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(
                        "\"input\":{\"name\":\"a/img-0.jpg\",\"path\":\""
                            + photos.resolve("a/img-0.jpg")
                            + "\",\"size\":"));

    Cli.Run sent =
        Cli.run(
            Map.of("COHORT_READ_IN_PLACE", "false"),
            "submit",
            "thumbnail",
            "--dir",
            photos.toString(),
            "--out",
            thumbs.resolve("sent").toString());
    assertThumbnails(sent, thumbs.resolve("sent"), 6);
    assertThat(sent.stderr()).contains("cohort: 7 of 7 files travelled through the cluster");
  }

  /**
   * Tests that the client writes the thumbnails when it prints no result lines: with {@code -q}
   * nothing on stdout, with {@code --output value} each output naming its path, and the broken
   * photo reported on stderr; these read the results as typed values, not JSON lines.
   */
  @Test
  void thumbnailsWithoutResultLines(@TempDir Path photos, @TempDir Path thumbs) throws Exception {
    images(photos, 6);
    Cli.Run quiet =
        Cli.run(
            "submit",
            "thumbnail",
            "--dir",
            photos.toString(),
            "--out",
            thumbs.resolve("quiet").toString(),
            "-q",
            "--coordinator",
            CLUSTER.cluster().url());
    assertThat(quiet.exitCode()).as(quiet.stderr()).isEqualTo(1);
    assertThat(quiet.stdout()).isEmpty();
    assertThat(written(thumbs.resolve("quiet"))).hasSize(6);

    Cli.Run values =
        Cli.run(
            "submit",
            "thumbnail",
            "--dir",
            photos.toString(),
            "--out",
            thumbs.resolve("values") + "",
            "--output",
            "value");
    assertThat(values.exitCode()).as(values.stderr()).isEqualTo(1);
    assertThat(values.stderr()).contains("failed: a/broken.jpg is truncated or corrupt");
    assertThat(values.stdout()).hasSize(6);
    assertThat(values.stdout())
        .allSatisfy(line -> assertThat(json.readTree(line).has("data")).isFalse())
        .anySatisfy(
            line ->
                assertThat(json.readTree(line).get("path").asText())
                    .isEqualTo(thumbs.resolve("values/a/img-0.jpg").toString()));
    assertThat(written(thumbs.resolve("values"))).hasSize(6);
  }

  private static List<Path> written(Path out) throws Exception {
    try (Stream<Path> files = Files.walk(out)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  /**
   * Tests thumbnails on shared storage: nodes read the paths and write the thumbnails themselves.
   */
  @Test
  void thumbnailsOnSharedStorage(@TempDir Path photos, @TempDir Path thumbs) throws Exception {
    images(photos, 12);
    Cli.Run run =
        Cli.run(
            "submit",
            "thumbnail",
            "--dir",
            photos.toString(),
            "--out",
            thumbs.toString(),
            "--shared-fs",
            "-p",
            "size=75x75",
            "--coordinator",
            CLUSTER.cluster().url());
    assertThumbnails(run, thumbs, 12);
    assertThat(run.stdout()).allSatisfy(line -> assertThat(line).doesNotContain("\"data\""));
    assertThat(run.stdout().get(1)).contains("\"path\":\"" + thumbs.resolve("a/img-0.jpg"));
  }

  /** Tests exec: exit codes come back, check=true fails non-zero exits with the end of stderr. */
  @Test
  void execReportsExitCodes() throws Exception {
    String url = CLUSTER.cluster().url();
    Cli.Run call =
        Cli.run(
            "submit",
            "exec",
            "0",
            "3",
            "--coordinator",
            url,
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit $0",
            "{}");
    assertThat(call.exitCode()).as(call.stderr()).isZero();
    assertThat(json.readTree(call.stdout().get(1)).get("output").get("exit").intValue())
        .isEqualTo(3);
    assertThat(json.readTree(call.stdout().get(1)).get("output").get("stderr").asText())
        .isEqualTo("err\n");

    Cli.Run checked =
        Cli.run(
            "submit",
            "exec",
            "0",
            "3",
            "-p",
            "check=true",
            "--coordinator",
            url,
            "--",
            "sh",
            "-c",
            "echo err >&2; exit $0",
            "{}");
    assertThat(checked.exitCode()).isEqualTo(1);
    assertThat(json.readTree(checked.stdout().get(1)).get("error").get("message").asText())
        .isEqualTo("the command exited with code 3: err");
  }

  /** Tests that a task timeout stops exec's whole process tree, the command's children included. */
  @Test
  void execTimeoutKillsTheProcessTree(@TempDir Path dir) throws Exception {
    Cli.Run run =
        Cli.run(
            "submit",
            "exec",
            "one",
            "two",
            "--shell",
            "--task-timeout",
            "500ms",
            "--max-attempts",
            "1",
            "--coordinator",
            CLUSTER.cluster().url(),
            "--",
            "sleep 60 & echo $! > " + dir + "/{}.pid; wait");
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
    for (String line : run.stdout()) {
      assertThat(json.readTree(line).get("error").get("type").asText())
          .isEqualTo("cohort.TimedOut");
    }
    for (String name : List.of("one", "two")) {
      long pid = Long.parseLong(Files.readString(dir.resolve(name + ".pid")).trim());
      assertThat(running(pid)).as("sleep %d", pid).isFalse();
    }
  }

  /** Whether a process runs: not gone, and not a zombie nobody reaped. */
  static boolean running(long pid) throws Exception {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String text = Files.readString(stat);
    char state = text.charAt(text.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  /**
   * Tests a streamed job from stdin through client and coordinator JVMs of small heaps: it
   * completes, and the coordinator never holds more than a bounded number of inputs, as the upload
   * is slowed to the cluster's pace.
   */
  @Test
  void streamedStdinWithBackpressure(@TempDir Path dir) throws Exception {
    int lines = 1_500_000;
    Path input = numberedLines(dir.resolve("lines.txt"), lines);
    CohortClient client = CLUSTER.client();
    Cli.Running submit =
        Cli.start(
            List.of("-Xmx64m"),
            input,
            "submit",
            "echo",
            "--input-file",
            "-",
            "--unordered",
            "-q",
            "--combine",
            "count",
            "--coordinator",
            CLUSTER.cluster().url());
    String id = submit.awaitJobId(Duration.ofSeconds(60));
    long maxPending = 0;
    int samples = 0;
    while (submit.isAlive()) {
      JobStatus job = client.status(id);
      maxPending = Math.max(maxPending, job.pending());
      samples++;
      Jobs.pause(100);
    }
    Cli.Run run = submit.await(Duration.ofSeconds(10));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.lastLine()).isEqualTo(Integer.toString(lines));
    assertThat(samples).isPositive();
    assertThat(maxPending).as("inputs held by the coordinator").isLessThan(100_000);
  }

  /**
   * Tests that a job streamed from a file keeps input order by default: every line's result in its
   * place, through the coordinator's bounded reorder buffer.
   */
  @Test
  void streamedFileKeepsOrder(@TempDir Path dir) throws Exception {
    int lines = 100_000;
    Path input = numberedLines(dir.resolve("lines.txt"), lines);
    Cli.Running submit =
        Cli.start(
            List.of("-Xmx64m"),
            null,
            "submit",
            "echo",
            "--input-file",
            input.toString(),
            "--coordinator",
            CLUSTER.cluster().url());
    Cli.Run run = submit.await(Duration.ofSeconds(120));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).hasSize(lines);
    for (int i = 0; i < lines; i++) {
      String line = run.stdout().get(i);
      String expected =
          "{\"index\":" + i + ",\"input\":\"line-" + i + "\",\"output\":\"line-" + i + "\"}";
      if (!line.equals(expected)) {
        assertThat(line).as("result line " + i).isEqualTo(expected);
      }
    }
  }

  /** Writes {@code count} lines, {@code line-0} to {@code line-(count-1)}, to {@code file}. */
  private static Path numberedLines(Path file, int count) throws java.io.IOException {
    try (var out = Files.newBufferedWriter(file)) {
      for (int i = 0; i < count; i++) {
        out.write("line-" + i);
        out.newLine();
      }
    }
    return file;
  }
}
