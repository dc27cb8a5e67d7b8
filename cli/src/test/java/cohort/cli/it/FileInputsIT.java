package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.BlobsWanted;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.client.CohortClient;
import cohort.task.FileRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How file inputs reach the nodes: read in place by nodes that hold the client's file, sent through
 * the coordinator to the others, on a real coordinator and node JVMs of this machine.
 */
class FileInputsIT {

  /** Nodes that read the client's files in place (the default). */
  @RegisterExtension static final ClusterExtension IN_PLACE = new ClusterExtension(1, false);

  /** Nodes that never read in place, as nodes on another machine. */
  @RegisterExtension
  static final ClusterExtension FETCHING =
      new ClusterExtension(2, false, List.of("--no-read-in-place"));

  private final ObjectMapper json = new ObjectMapper();

  static Path photo(Path file, int w, int h) throws Exception {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(w * 31 % 256, h * 17 % 256, 90));
    g.fillRect(0, 0, w, h);
    g.setColor(Color.WHITE);
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "jpg", file.toFile());
    return file;
  }

  static Cli.Run thumbnails(String url, Path photos, Path thumbs) {
    return Cli.run(
        "submit",
        "thumbnail",
        "--dir",
        photos.toString(),
        "--out",
        thumbs.toString(),
        "--coordinator",
        url);
  }

  private static void assertThumbnails(Path thumbs, int count) throws Exception {
    try (Stream<Path> written = Files.walk(thumbs)) {
      List<Path> files = written.filter(Files::isRegularFile).toList();
      assertThat(files).hasSize(count);
      for (Path thumb : files) {
        BufferedImage image = ImageIO.read(thumb.toFile());
        assertThat(Math.max(image.getWidth(), image.getHeight())).isEqualTo(75);
      }
    }
  }

  /** Tests that nodes on the client's machine read its files in place: no file travels. */
  @Test
  void nodesThatSeeTheFilesReadThemInPlace(@TempDir Path photos, @TempDir Path thumbs)
      throws Exception {
    for (int i = 0; i < 8; i++) {
      photo(photos.resolve("p-" + i + ".jpg"), 400 + i * 10, 300);
    }
    Cli.Run run = thumbnails(IN_PLACE.cluster().url(), photos, thumbs);
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("cohort: 0 of 8 files travelled through the cluster");
    assertThumbnails(thumbs, 8);
  }

  /** Tests that nodes that do not read in place ask for every file and get its bytes. */
  @Test
  void nodesThatDoNotSeeTheFilesGetTheirBytes(@TempDir Path photos, @TempDir Path thumbs)
      throws Exception {
    for (int i = 0; i < 8; i++) {
      photo(photos.resolve("d/p-" + i + ".jpg"), 300, 200 + i * 10);
    }
    Cli.Run run = thumbnails(FETCHING.cluster().url(), photos, thumbs);
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("cohort: 8 of 8 files travelled through the cluster");
    assertThumbnails(thumbs, 8);
  }

  /**
   * Tests that a node holding another file at the client's path (a stale copy) does not use it: it
   * asks for the client's bytes, and the thumbnail is that of the client's file.
   */
  @Test
  void aStaleCopyIsNeverUsed(@TempDir Path dir) throws Exception {
    Path nodeCopy = photo(dir.resolve("node/photo.jpg"), 200, 200);
    Path clientCopy = photo(dir.resolve("client/photo.jpg"), 300, 150);
    byte[] client = Files.readAllBytes(clientCopy);
    CohortClient cohort = CohortClient.connect(java.net.URI.create(IN_PLACE.cluster().url()));
    JobStatus job =
        cohort.submit(
            JobRequest.streamed("thumbnail").withParams(Map.of("size", TextNode.valueOf("75x75"))));
    // The client's file as it saw it, at the path where the node holds its own, other copy.
    FileRef ref =
        new FileRef(
            "photo.jpg",
            job.id() + "/c0",
            nodeCopy.toString(),
            (long) client.length,
            Files.getLastModifiedTime(nodeCopy).toMillis(),
            FileRef.headOf(ByteBuffer.wrap(client)));
    List<JsonNode> inputs = List.of(json.valueToTree(ref));
    cohort.sendInputs(job.id(), inputs.iterator());
    BlobsWanted wanted = cohort.wantedBlobs(job.id(), Duration.ofSeconds(30));
    assertThat(wanted.blobs()).containsExactly(job.id() + "/c0");
    cohort.sendBlob(job.id() + "/c0", clientCopy);
    try (Stream<Result> results = cohort.results(job.id())) {
      Result result = results.findFirst().orElseThrow();
      assertThat(result.error()).isNull();
      assertThat(result.output().get("width").asInt()).isEqualTo(75);
      assertThat(result.output().get("height").asInt()).isEqualTo(38); // 300x150, not 200x200
    }
    assertThat(cohort.wantedBlobs(job.id(), Duration.ofSeconds(5)).ended()).isTrue();
  }
}
