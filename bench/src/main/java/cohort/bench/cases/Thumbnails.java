package cohort.bench.cases;

import cohort.bench.BenchContext;
import cohort.bench.peers.PythonPeer;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.Series;
import cohort.cli.CohortCommand;
import cohort.cli.local.LocalCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Case 5, thumbnails: the same generated 1600x1200 JPEGs to 75x75 thumbnails, Cohort's {@code
 * thumbnail} task on two nodes through its command line (run in this JVM, so no JVM start is
 * timed), against {@code Pool(2)} with Pillow's {@code thumbnail()}, which decodes JPEGs in draft
 * mode. Cohort runs twice: with {@code --shared-fs}, where nodes read and write the files in place
 * as Pillow's workers do, and with its default of sending each file's bytes through the
 * coordinator, which also works for nodes on other machines.
 */
public final class Thumbnails implements BenchCase {

  static final String SHARED = "Cohort --shared-fs, 2 nodes";
  static final String BLOBS = "Cohort, files sent through the coordinator (default), 2 nodes";
  static final String PILLOW = "Pool(2) + Pillow thumbnail()";
  static final String RATE = "images/s";

  @Override
  public int number() {
    return 5;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    int count = context.pick(20, 200, 1000);
    context.progress(
        "case 5: generating %d photos of %dx%d (once; kept in %s)",
        count, ImageSet.WIDTH, ImageSet.HEIGHT, context.work());
    Path images = ImageSet.ensure(context.work(), count);
    Path out = context.work().resolve("thumbs");
    try (LocalCluster cluster = context.cluster(2)) {
      String url = cluster.url();
      context.warm(() -> cohort(url, images, out, count, true));
      Rounds rounds =
          new Rounds()
              .add(
                  SHARED,
                  Map.of(RATE, true),
                  () -> Map.of(RATE, count / cohort(url, images, out, count, true)))
              .add(
                  BLOBS,
                  Map.of(RATE, true),
                  () -> Map.of(RATE, count / cohort(url, images, out, count, false)));
      List<String> notes = new ArrayList<>();
      notes.add(
          "What limits Cohort here (per-thread CPU of every JVM during a warm --shared-fs job of"
              + " 1,000 photos, and the decoders timed alone): a node's slot thread spends about"
              + " 6.7 ms of CPU per photo, 5.4 ms of it decoding at 1/8 scale with libjpeg-turbo"
              + " (the library and scale Pillow's draft mode uses; ImageIO, where libjpeg-turbo is"
              + " not installed, takes 10.6 ms) and most of the rest resampling and encoding the"
              + " thumbnail. That is less than Pool's 8 ms per photo per core; the gap is the CPU"
              + " of what else runs on the same 2 cores: the coordinator, the nodes' Artery and"
              + " actor threads, and the JIT compilers, where Pool's parent process sleeps. By"
              + " default every file's bytes also travel from the client through the coordinator to"
              + " a node, and the thumbnail back: a job of 1,000 photos (590 MB) then costs the"
              + " client about 7 s of CPU, the coordinator 9 s and the two nodes 14 s, where the"
              + " nodes' slots need 7 s with --shared-fs. JFR finds no single hot spot in that: it"
              + " is Pekko HTTP's stream stages (parsing, rendering, a file sink materialized per"
              + " upload) over two HTTP hops; serving blobs in 256 KiB chunks instead of 8 KiB took"
              + " the coordinator's share from 10.8 s to about 9.5 s.");
      if (context.python().isPresent()
          && !context.python().get().versions().path("pillow").isNull()) {
        PythonPeer python = context.python().get();
        rounds.add(
            PILLOW, Map.of(RATE, true), () -> Map.of(RATE, pillow(python, images, out, count)));
      } else {
        notes.add(
            "Pillow is missing, so the Python row did not run: install Debian's python3-pil"
                + " (bench/run.sh does).");
      }
      List<Series> series =
          rounds.run(context.rounds(), line -> context.progress("case 5 %s", line));
      return new CaseResult(
          number(),
          "Thumbnails",
          String.format(
              "%,d generated %dx%d JPEGs to 75x75 thumbnails",
              count, ImageSet.WIDTH, ImageSet.HEIGHT),
          series,
          List.of(
              new Check(
                  "Cohort --shared-fs / Pillow",
                  SHARED + " " + RATE,
                  PILLOW + " " + RATE,
                  true,
                  1.0),
              new Check(
                  "Cohort (default) / Pillow", BLOBS + " " + RATE, PILLOW + " " + RATE, true, 1.0)),
          notes);
    }
  }

  /** Runs {@code cohort submit thumbnail --dir ...} in this JVM; returns the seconds. */
  static double cohort(String url, Path images, Path out, int count, boolean sharedFs)
      throws IOException {
    clear(out);
    List<String> args =
        new ArrayList<>(
            List.of(
                "submit",
                "thumbnail",
                "--dir",
                images.toString(),
                "--out",
                out.toString(),
                "-p",
                "size=75x75",
                "-q",
                "--coordinator",
                url));
    if (sharedFs) {
      args.add("--shared-fs");
    }
    CommandLine command = CohortCommand.commandLine();
    StringWriter output = new StringWriter();
    StringWriter errors = new StringWriter();
    command.setOut(new PrintWriter(output));
    command.setErr(new PrintWriter(errors));
    long start = System.nanoTime();
    int exit = CohortCommand.execute(command, args.toArray(String[]::new));
    double seconds = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException(
          "cohort " + String.join(" ", args) + " exited with " + exit + ": " + errors);
    }
    checkThumbnails(out, count);
    return seconds;
  }

  private static double pillow(PythonPeer python, Path images, Path out, int count)
      throws IOException {
    clear(out);
    double rate =
        python
            .run(
                Duration.ofMinutes(10),
                "thumbnails",
                "--dir",
                images.toString(),
                "--out",
                out.toString(),
                "--workers",
                "2",
                "--size",
                "75")
            .get("rate")
            .doubleValue();
    checkThumbnails(out, count);
    return rate;
  }

  private static void checkThumbnails(Path out, int count) throws IOException {
    long made;
    try (Stream<Path> files = Files.list(out)) {
      made =
          files
              .filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".jpg"))
              .count();
    }
    if (made != count) {
      throw new IllegalStateException(
          "expected " + count + " thumbnails in " + out + ", found " + made);
    }
  }

  private static void clear(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(dir);
  }
}
