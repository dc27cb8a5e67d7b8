package cohort.bench.cases;

import cohort.bench.BenchContext;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.Series;
import cohort.bench.report.Stats;
import cohort.cli.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Case 8, start-up: whole commands as a user types them, each a fresh process, timed from its start
 * to its exit. {@code bin/cohort submit echo 1} with no coordinator (the launcher, its class-data
 * archive, a cluster started in the JVM, the job, the exit), and {@code bin/cohort status} and
 * {@code submit echo 1 --coordinator URL} against a running coordinator, against {@code python3 -c}
 * mapping over one input with a {@code Pool(2)}: the start-up a Python user knows.
 */
public final class Startup implements BenchCase {

  static final String EMBEDDED = "cohort submit echo 1 (no coordinator)";
  static final String STATUS = "cohort status (running coordinator)";
  static final String SUBMIT = "cohort submit echo 1 --coordinator";
  static final String PYTHON = "python3 -c, Pool(2).map over [1]";
  static final String WALL = "wall s";
  static final String CPU = "CPU s";
  static final Map<String, Boolean> METRICS = Map.of(WALL, false, CPU, false);

  /** What the Python user runs: a pool of two processes, one input, the result printed. */
  static final String POOL =
      "from multiprocessing import Pool\n"
          + "if __name__ == '__main__':\n"
          + "    with Pool(2) as pool:\n"
          + "        print(pool.map(str, [1]))\n";

  @Override
  public int number() {
    return 8;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    Path launcher = context.root().resolve("bin/cohort");
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(launcher + " is missing: run the benchmarks in a checkout");
    }
    int runs = context.pick(1, 3, 5);
    try (LocalCluster cluster = context.cluster(1)) {
      String url = cluster.url();
      // What a user's cohort command reads from the default folders, given here as a file.
      java.nio.file.Path tokenFile = context.logs().resolve("startup-token");
      cohort.api.security.TokenFile.write(tokenFile, cluster.token());
      String token = tokenFile.toString();
      Rounds rounds =
          new Rounds()
              .add(EMBEDDED, METRICS, () -> median(runs, context, launcher, "submit", "echo", "1"))
              .add(
                  STATUS,
                  METRICS,
                  () ->
                      median(
                          runs,
                          context,
                          launcher,
                          "status",
                          "--coordinator",
                          url,
                          "--token-file",
                          token))
              .add(
                  SUBMIT,
                  METRICS,
                  () ->
                      median(
                          runs,
                          context,
                          launcher,
                          "submit",
                          "echo",
                          "1",
                          "--coordinator",
                          url,
                          "--token-file",
                          token));
      context
          .python()
          .ifPresent(
              python ->
                  rounds.add(
                      PYTHON,
                      METRICS,
                      () -> median(runs, context, python.executable(), "-c", POOL)));
      // Once each, unmeasured: the jar, the archive and Python's modules come into the page cache,
      // as they are for a user who ran the command before.
      median(1, context, launcher, "submit", "echo", "1");
      median(1, context, launcher, "status", "--coordinator", url, "--token-file", token);
      if (context.python().isPresent()) {
        median(1, context, context.python().get().executable(), "-c", POOL);
      }
      List<Series> series =
          rounds.run(context.rounds(), line -> context.progress("case 8 %s", line));
      List<String> notes = new ArrayList<>();
      notes.add(
          "Each figure is the median of "
              + runs
              + " runs in a round. Wall: from the process's start to its exit, as a user waits."
              + " CPU: user and system time of the process and its children (the kernel's count"
              + " for reaped children), on a machine with 2 cores.");
      ratio(series, EMBEDDED, "cohort submit with no coordinator").ifPresent(notes::add);
      ratio(series, STATUS, "cohort status").ifPresent(notes::add);
      ratio(series, SUBMIT, "cohort submit --coordinator").ifPresent(notes::add);
      notes.add(
          "Where the time goes, and what bounds it, is measured phase by phase in"
              + " docs/performance.md (\"Start-up\").");
      return new CaseResult(
          number(),
          "Start-up",
          "one command at a time, each a new process: the launcher, the JVM, the command's work"
              + " and its exit",
          series,
          List.of(
              new Check(
                  "cohort submit echo 1, no coordinator, wall s",
                  EMBEDDED + " " + WALL,
                  null,
                  false,
                  1.0),
              new Check(
                  "cohort status, running coordinator, wall s",
                  STATUS + " " + WALL,
                  null,
                  false,
                  0.5),
              new Check(
                  "cohort submit echo 1 --coordinator, wall s",
                  SUBMIT + " " + WALL,
                  null,
                  false,
                  0.5)),
          notes);
    }
  }

  /** Cohort's wall time over Python's, median of the paired rounds, as a sentence. */
  private static java.util.Optional<String> ratio(
      List<Series> series, String cohort, String label) {
    List<Double> ratios =
        new Check(label, cohort + " " + WALL, PYTHON + " " + WALL, false, 0).values(series);
    if (ratios.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "%s takes %.1f times as long as the Python pool (median of the paired rounds).",
            label,
            Stats.of(ratios).median()));
  }

  /** Runs the command {@code runs} times; the median wall and CPU seconds. */
  private static Map<String, Double> median(
      int runs, BenchContext context, Object program, String... args) throws Exception {
    List<Double> walls = new ArrayList<>();
    List<Double> cpus = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      double[] figures = time(context, program.toString(), args);
      walls.add(figures[0]);
      cpus.add(figures[1]);
    }
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put(WALL, Stats.of(walls).median());
    figures.put(CPU, Stats.of(cpus).median());
    return figures;
  }

  /** One run: wall seconds, and CPU seconds of the process and everything it waited for. */
  private static double[] time(BenchContext context, String program, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(program));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("COHORT_COORDINATOR");
    Path log = context.logs().resolve("startup.log");
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    long cpuBefore = ChildCpu.reapedMillis();
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " took longer than 120 s");
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with " + process.exitValue() + "; see " + log);
    }
    return new double[] {wall, (ChildCpu.reapedMillis() - cpuBefore) / 1000.0};
  }
}
