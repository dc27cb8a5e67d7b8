package cohort.bench;

import cohort.bench.cases.ImageSet;
import cohort.bench.peers.PythonPeer;
import cohort.node.LocalFile;
import cohort.node.tasks.thumbnail.Box;
import cohort.node.tasks.thumbnail.Pixels;
import cohort.node.tasks.thumbnail.Thumbnailer;
import cohort.task.FileRef;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time of each stage of a thumbnail, Cohort's node against Pillow, on the same photos:
 * {@code bench/run.sh --thumbnail-stages [COUNT]} runs both on one core ({@code taskset -c 1}) and
 * prints a Markdown table for docs/performance.md. Cohort's stages are the node's own code: the
 * in-place read with its check ({@link LocalFile}) into the slot's direct buffer, then {@link
 * Thumbnailer}'s stages; Pillow's are {@code peer.py thumbnail-stages}. Both time their own thread
 * with its CPU clock, after a warm-up round, in alternating rounds: {@code bench/run.sh
 * --thumbnail-stages [COUNT [ROUNDS]]}, 200 photos and 5 rounds by default.
 */
public final class ThumbnailStages {

  private static final List<String> STAGES =
      List.of("read", "exif", "decode", "resize", "encode", "write");

  private ThumbnailStages() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path root = Path.of(System.getProperty("cohort.bench.root", "."));
    Path work = root.resolve("bench/target/bench-work");
    Path logs = root.resolve("bench/target/logs");
    Files.createDirectories(logs);
    PythonPeer peer =
        PythonPeer.find("/usr/bin/python3", root.resolve("bench/python/peer.py"), logs)
            .orElseThrow(() -> new IllegalStateException("no /usr/bin/python3 here"));
    StringBuilder table = new StringBuilder();
    table.append("| photos | stage | Cohort node, µs | Pillow, µs | Cohort/Pillow |\n");
    table.append("|---|---|---:|---:|---:|\n");
    for (boolean smooth : new boolean[] {false, true}) {
      Path images = smooth ? ImageSet.ensureSmooth(work, count) : ImageSet.ensure(work, count);
      Path out = work.resolve("stages-out");
      Files.createDirectories(out);
      // Rounds alternate between the two, so a change in the machine's load hits both alike; each
      // stage's figure is its median over the rounds.
      Map<String, List<Double>> cohort = new LinkedHashMap<>();
      Map<String, List<Double>> pillow = new LinkedHashMap<>();
      Measured warm = cohort(images, out); // the JIT's round
      for (int round = 0; round < rounds; round++) {
        cohort(images, out).add(cohort);
        JsonNode python =
            peer.run(
                    Duration.ofMinutes(10),
                    "thumbnail-stages",
                    "--dir",
                    images.toString(),
                    "--out",
                    out.toString(),
                    "--rounds",
                    "1")
                .get("us_per_image");
        for (String stage : STAGES) {
          pillow.computeIfAbsent(stage, s -> new ArrayList<>()).add(python.get(stage).asDouble());
        }
      }
      String set = smooth ? "smooth" : "bench's (grainy)";
      double cohortTotal = 0;
      double pillowTotal = 0;
      for (String stage : STAGES) {
        double c = median(cohort.get(stage));
        double p = median(pillow.get(stage));
        cohortTotal += c;
        pillowTotal += p;
        table.append(row(set, stage, c, p));
      }
      table.append(row(set, "**total**", cohortTotal, pillowTotal));
      if (warm.perPhoto.isEmpty()) {
        throw new IllegalStateException("no photos in " + images);
      }
    }
    System.out.print(table);
  }

  private static String row(String set, String stage, double cohort, double pillow) {
    return String.format(
        "| %s | %s | %.0f | %.0f | %.2f |%n", set, stage, cohort, pillow, cohort / pillow);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** One round's microseconds of CPU per photo, by stage. */
  private record Measured(Map<String, Double> perPhoto) {
    void add(Map<String, List<Double>> into) {
      perPhoto.forEach((stage, us) -> into.computeIfAbsent(stage, s -> new ArrayList<>()).add(us));
    }
  }

  /** One round of Cohort's stages over every photo, timed on this thread's CPU clock. */
  private static Measured cohort(Path images, Path out) throws Exception {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    List<Path> files;
    try (Stream<Path> list = Files.list(images)) {
      files = list.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
    }
    List<FileRef> refs = new ArrayList<>();
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      refs.add(
          new FileRef(
              file.getFileName().toString(),
              null,
              file.toString(),
              (long) bytes.length,
              Files.getLastModifiedTime(file).toMillis(),
              FileRef.headOf(ByteBuffer.wrap(bytes))));
    }
    Box box = new Box(75, 75);
    long[] nanos = new long[STAGES.size()];
    for (FileRef ref : refs) {
      long t0 = cpu.getCurrentThreadCpuTime();
      ByteBuffer bytes = LocalFile.read(ref, buffer).orElseThrow();
      buffer = bytes;
      long t1 = cpu.getCurrentThreadCpuTime();
      int orientation = Thumbnailer.orientation(bytes);
      long t2 = cpu.getCurrentThreadCpuTime();
      Thumbnailer.Decoded decoded = Thumbnailer.decode(bytes, ref.name(), box, orientation);
      long t3 = cpu.getCurrentThreadCpuTime();
      Pixels thumb = Thumbnailer.resize(decoded, box, orientation);
      long t4 = cpu.getCurrentThreadCpuTime();
      // Quality 75, Pillow's default, so both encode the same work.
      byte[] encoded = Thumbnailer.encode(thumb, "jpg", 75);
      long t5 = cpu.getCurrentThreadCpuTime();
      Thumbnailer.write(out.resolve(ref.name()), encoded);
      long t6 = cpu.getCurrentThreadCpuTime();
      long[] at = {t0, t1, t2, t3, t4, t5, t6};
      for (int i = 0; i < nanos.length; i++) {
        nanos[i] += at[i + 1] - at[i];
      }
    }
    Map<String, Double> perPhoto = new LinkedHashMap<>();
    for (int i = 0; i < nanos.length; i++) {
      perPhoto.put(STAGES.get(i), nanos[i] / 1e3 / refs.size());
    }
    return new Measured(perPhoto);
  }

  /** The slot thread's read buffer, kept from photo to photo as the node keeps it. */
  private static ByteBuffer buffer = LocalFile.direct(1 << 20);
}
