package cohort.bench;

import cohort.bench.cases.BenchCase;
import cohort.bench.cases.CoordinatorRestart;
import cohort.bench.cases.Memory;
import cohort.bench.cases.Recovery;
import cohort.bench.cases.RoundTrip;
import cohort.bench.cases.Scaling;
import cohort.bench.cases.Startup;
import cohort.bench.cases.Thumbnails;
import cohort.bench.cases.TinyBatched;
import cohort.bench.cases.TinyEach;
import cohort.bench.peers.PythonPeer;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.MarkdownReport;
import cohort.bench.report.RatioChart;
import cohort.bench.report.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness: {@code bench/run.sh [--quick] [--cases 1,2]}. Starts real Cohort clusters
 * and the peers on loopback, runs each case round by round, and writes the results page with its
 * chart.
 */
@Command(
    name = "bench/run.sh",
    mixinStandardHelpOptions = true,
    description = "Runs Cohort's benchmarks against Python's pools and Hazelcast on this machine.")
public final class Bench implements Callable<Integer> {

  private static final List<BenchCase> CASES =
      List.of(
          new TinyBatched(),
          new TinyEach(),
          new RoundTrip(),
          new Scaling(),
          new Thumbnails(),
          new Recovery(),
          new Memory(),
          new Startup(),
          new CoordinatorRestart());

  @Option(
      names = "--quick",
      description =
          "Fewer rounds and smaller jobs, images and ranges: about 10 minutes on 2 cores.")
  boolean quick;

  @Option(
      names = "--smoke",
      description = "Tiny sizes and one round, to check that the harness works (CI).")
  boolean smoke;

  @Option(
      names = "--cases",
      split = ",",
      paramLabel = "N",
      description = "Which cases to run, such as 1,3 (default: all).")
  List<Integer> cases = new ArrayList<>();

  @Option(
      names = "--rounds",
      description = "Runs of each system per case (default: 5, or 3 with --quick, 1 with --smoke).")
  Integer rounds;

  @Option(
      names = "--out",
      description =
          "The results page (default: docs/benchmarks.md; with --smoke,"
              + " bench/target/smoke/benchmarks.md).")
  Path out;

  @Option(
      names = "--python",
      description =
          "The Python to run the peers with (default: ${DEFAULT-VALUE}, the system's, where"
              + " Debian's python3-pil installs Pillow; python3 on the PATH when it is missing).")
  String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  @Option(names = "--root", description = "The Cohort checkout (default: the current folder).")
  Path root = Path.of(System.getProperty("cohort.bench.root", "."));

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    BenchContext.Size size =
        smoke ? BenchContext.Size.SMOKE : quick ? BenchContext.Size.QUICK : BenchContext.Size.FULL;
    int runs = rounds != null ? rounds : smoke ? 1 : quick ? 3 : 5;
    if (runs < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--rounds must be at least 1, not " + runs);
    }
    for (int number : cases) {
      if (number < 1 || number > CASES.size()) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "no case " + number + "; the cases are 1 to " + CASES.size());
      }
    }
    Path page =
        out != null
            ? out
            : smoke
                ? root.resolve("bench/target/smoke/benchmarks.md")
                : root.resolve("docs/benchmarks.md");
    Path target = root.resolve("bench/target");
    Path logs = target.resolve("logs");
    Files.createDirectories(logs);
    Optional<PythonPeer> peer = PythonPeer.find(python, root.resolve("bench/python/peer.py"), logs);
    List<CaseResult> results = new ArrayList<>();
    boolean failed = false;
    String classPath =
        System.getProperty("cohort.bench.classpath", System.getProperty("java.class.path"));
    try (BenchContext context =
        new BenchContext(size, runs, root, classPath, logs, target.resolve("bench-work"), peer)) {
      for (BenchCase benchCase : CASES) {
        if (!cases.isEmpty() && !cases.contains(benchCase.number())) {
          continue;
        }
        context.progress("case %d starts", benchCase.number());
        try {
          results.add(benchCase.run(context));
        } catch (Exception | AssertionError e) {
          failed = true;
          context.progress("case %d failed: %s", benchCase.number(), e);
          e.printStackTrace();
        }
      }
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("machine", Machine.describe());
      facts.put("Java", Machine.java());
      facts.put(
          "Cohort",
          "commit "
              + Machine.commit(root)
              + ", default settings, clusters started as `cohort local` starts them: a"
              + " coordinator JVM and node JVMs, one worker slot each where a case names nodes,"
              + " and in case 5 `cohort local`'s default of one node JVM with a slot per core");
      facts.put("libjpeg-turbo", Machine.turboJpeg());
      facts.put(
          "Python",
          peer.map(
                  p ->
                      "Python "
                          + p.versions().path("python").asText()
                          + ", Pillow "
                          + p.versions().path("pillow").asText("missing"))
              .orElse("not found"));
      facts.put(
          "Hazelcast",
          context
              .hazelcastIfStarted()
              .map(h -> h.version() + ", 2 members on loopback, a client submits")
              .orElse("not run"));
      facts.put(
          "command",
          "`bench/run.sh"
              + (quick ? " --quick" : "")
              + (smoke ? " --smoke" : "")
              + (cases.isEmpty() ? "" : " --cases " + join(cases))
              + "`, "
              + runs
              + " rounds per case");
      facts.put("date", java.time.LocalDate.now().toString());
      String chart = page.getFileName().toString().replaceAll("\\.md$", "") + ".png";
      MarkdownReport.write(page, facts, results, chart);
      RatioChart.write(page.resolveSibling(chart), results);
      printVerdict(results);
      System.out.println("results: " + page.toAbsolutePath().normalize());
    }
    return failed ? 1 : 0;
  }

  private static String join(List<Integer> numbers) {
    return String.join(",", numbers.stream().map(String::valueOf).toList());
  }

  private static void printVerdict(List<CaseResult> results) {
    for (CaseResult result : results) {
      for (Check check : result.checks()) {
        List<Double> values = check.values(result.series());
        Boolean met = check.met(result.series());
        System.out.printf(
            "case %d  %-45s %-8s %s%n",
            result.number(),
            check.label(),
            check.target(),
            values.isEmpty()
                ? "not run"
                : String.format("%.2f  %s", Stats.of(values).median(), met ? "met" : "MISSED"));
      }
    }
  }
}
