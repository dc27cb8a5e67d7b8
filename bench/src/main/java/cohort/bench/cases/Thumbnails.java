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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Case 5, thumbnails: generated 1600x1200 JPEGs to 75x75 thumbnails, Cohort's {@code thumbnail}
 * task against {@code Pool(2)} with Pillow's {@code thumbnail()}, which decodes JPEGs in draft
 * mode, on two sets: the bench's grainy photos and smooth ones that decode faster. Cohort runs in
 * the three ways a user meets: {@code bin/cohort submit} with no coordinator (its own JVM with an
 * embedded cluster of 2 slots, started afresh each round as a user does; timed from the job's
 * acceptance to its summary, as Pool's time leaves out its start, and from the command's start), a
 * new {@code cohort local} cluster's first job (cold), and a warm one, both of {@code cohort
 * local}'s default shape (one node JVM with a slot per core, here 2), by default (the node reads
 * the client's files in place after checking them, the client writes the thumbnails) and with
 * {@code --shared-fs} (the node also writes them).
 */
public final class Thumbnails implements BenchCase {

  static final String EMBEDDED = "Cohort submit, no coordinator (2 slots)";
  static final String LOCAL = "Cohort local (default: 1 node JVM, 2 slots)";
  static final String SHARED = "Cohort local, --shared-fs";
  static final String PILLOW = "Pool(2) + Pillow thumbnail()";
  static final String LOCAL_COLD = "Cohort local (default), cold";
  static final String PILLOW_COLD = "Pool(2) + Pillow thumbnail(), cold";
  static final String RATE = "images/s";
  static final String GRAINY = "bench photos";
  static final String SMOOTH = "smooth photos";

  @Override
  public int number() {
    return 5;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    int count = context.pick(20, 200, 1000);
    context.progress(
        "case 5: generating %d grainy and %d smooth photos of %dx%d (once; kept in %s)",
        count, count, ImageSet.WIDTH, ImageSet.HEIGHT, context.work());
    Map<String, Path> sets = new LinkedHashMap<>();
    sets.put(GRAINY, ImageSet.ensure(context.work(), count));
    sets.put(SMOOTH, ImageSet.ensureSmooth(context.work(), count));
    Path out = context.work().resolve("thumbs");
    boolean pillow =
        context.python().isPresent() && !context.python().get().versions().path("pillow").isNull();
    try (LocalCluster cluster = context.cluster(1, 2)) {
      context.warm(
          () -> {
            cohort(cluster, sets.get(GRAINY), out, count, true);
            return cohort(cluster, sets.get(GRAINY), out, count, false);
          });
      Rounds rounds = new Rounds();
      List<Check> checks = new ArrayList<>();
      for (Map.Entry<String, Path> set : sets.entrySet()) {
        Path images = set.getValue();
        String suffix = ", " + set.getKey();
        rounds.add(
            EMBEDDED + suffix,
            Map.of(RATE, true, Cold.WITH_STARTUP, false),
            () -> {
              double[] times = embedded(context, images, out, count);
              return Map.of(RATE, count / times[0], Cold.WITH_STARTUP, times[1]);
            });
        rounds.add(
            LOCAL_COLD + suffix,
            Cold.METRICS,
            () -> Cold.run(context, 1, 2, (c, cc) -> cohort(c, images, out, count, false)));
        rounds.add(
            LOCAL + suffix,
            Map.of(RATE, true),
            () -> Map.of(RATE, count / cohort(cluster, images, out, count, false)));
        rounds.add(
            SHARED + suffix,
            Map.of(RATE, true),
            () -> Map.of(RATE, count / cohort(cluster, images, out, count, true)));
        if (pillow) {
          PythonPeer python = context.python().get();
          rounds.add(
              PILLOW + suffix,
              Map.of(RATE, true),
              () -> Map.of(RATE, pillow(python, images, out, count)));
          rounds.add(
              PILLOW_COLD + suffix,
              Cold.PYTHON_METRICS,
              () -> Cold.python(pillowCold(python, images, out, count)));
          for (String mode : List.of(EMBEDDED, LOCAL, SHARED)) {
            checks.add(
                new Check(
                    mode + " / Pillow" + suffix,
                    mode + suffix + " " + RATE,
                    PILLOW + suffix + " " + RATE,
                    true,
                    1.0));
          }
          checks.addAll(
              Cold.checks(
                  LOCAL + " / Pillow" + suffix, LOCAL_COLD + suffix, PILLOW_COLD + suffix, 1.0));
          checks.add(
              new Check(
                  EMBEDDED + " / Pillow" + suffix + ", cold: with start-up, seconds",
                  EMBEDDED + suffix + " " + Cold.WITH_STARTUP,
                  PILLOW_COLD + suffix + " " + Cold.WITH_STARTUP,
                  false,
                  1.0));
        }
      }
      List<String> notes = new ArrayList<>();
      notes.add(
          "Per photo, a node's slot spends no more CPU than Pillow stage by stage (the table in"
              + " docs/performance.md, `bench/run.sh --thumbnail-stages`): both decode with"
              + " libjpeg-turbo at 1/8 scale, which is most of the work on the grainy photos, so"
              + " Cohort's lead there is bounded by what Pillow spends around the decode. What"
              + " else runs on the same 2 cores counts against Cohort: the coordinator, the"
              + " node's actors, the client writing the thumbnails, and, in the"
              + " embedded JVM started afresh each round, the JIT compilers.");
      notes.add(
          "Cold rows: a new `cohort local` cluster of its default shape per run and its first job"
              + " (the client is the benchmark's warm JVM), against a new `python3` whose new"
              + " `Pool(2)` thumbnails first thing; `cohort submit` with no coordinator"
              + " (`bin/cohort`, as a user types it) is always cold, and its `with start-up s` runs"
              + " from the command's start to its summary line. "
              + context.coldClusterNote());
      if (!pillow) {
        notes.add(
            "Pillow is missing, so the Python rows did not run: install Debian's python3-pil"
                + " (bench/run.sh does).");
      }
      List<Series> series =
          rounds.run(context.rounds(), line -> context.progress("case 5 %s", line));
      return new CaseResult(
          number(),
          "Thumbnails",
          String.format(
              "%,d generated %dx%d JPEGs to 75x75 thumbnails, grainy and smooth",
              count, ImageSet.WIDTH, ImageSet.HEIGHT),
          series,
          checks,
          notes);
    }
  }

  /**
   * Runs {@code bin/cohort submit thumbnail --dir ...} with no coordinator, a process of its own,
   * as a user does; returns the seconds from the job's acceptance to its summary line, and from the
   * command's start to that line.
   */
  static double[] embedded(BenchContext context, Path images, Path out, int count)
      throws Exception {
    clear(out);
    List<String> command = new ArrayList<>();
    command.add(context.root().resolve("bin/cohort").toString());
    command.addAll(submitArgs(images, out));
    command.addAll(List.of("--workers", "2"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().remove("COHORT_COORDINATOR");
    long started = System.nanoTime();
    Process process = builder.start();
    long accepted = 0;
    long ended = 0;
    StringBuilder errors = new StringBuilder();
    try (java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                process.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (accepted == 0 && line.startsWith("cohort: job ") && line.endsWith(" accepted")) {
          accepted = System.nanoTime();
        } else if (line.startsWith("job ") && line.contains(" succeeded, ")) {
          ended = System.nanoTime();
        } else if (errors.length() < 4000) {
          errors.append(line).append('\n');
        }
      }
    }
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    if (process.exitValue() != 0 || accepted == 0 || ended == 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with " + process.exitValue() + ": " + errors);
    }
    checkThumbnails(out, count);
    return new double[] {(ended - accepted) / 1e9, (ended - started) / 1e9};
  }

  /** The arguments of the case's {@code cohort submit thumbnail}, before where it runs. */
  private static List<String> submitArgs(Path images, Path out) {
    return List.of(
        "submit",
        "thumbnail",
        "--dir",
        images.toString(),
        "--out",
        out.toString(),
        "-p",
        "size=75x75",
        "-q");
  }

  /** Runs {@code cohort submit thumbnail --dir ...} in this JVM; returns the seconds. */
  static double cohort(LocalCluster cluster, Path images, Path out, int count, boolean sharedFs)
      throws IOException {
    clear(out);
    List<String> args = new ArrayList<>(submitArgs(images, out));
    // What a user's cohort command reads from the default folders, given here as a file.
    Path token = Files.createTempFile("cohort-bench-token-", "");
    cohort.api.security.TokenFile.write(token, cluster.token());
    token.toFile().deleteOnExit();
    args.addAll(List.of("--coordinator", cluster.url(), "--token-file", token.toString()));
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

  private static com.fasterxml.jackson.databind.JsonNode pillowCold(
      PythonPeer python, Path images, Path out, int count) throws IOException {
    clear(out);
    com.fasterxml.jackson.databind.JsonNode run =
        python.runCold(
            Duration.ofMinutes(10),
            "thumbnails",
            "--dir",
            images.toString(),
            "--out",
            out.toString(),
            "--workers",
            "2",
            "--size",
            "75");
    checkThumbnails(out, count);
    return run;
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
