package cohort.bench.scale;

import cohort.api.Durations;
import cohort.bench.scale.ThreadCpu.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One coordinator against many nodes, on paper: {@code bench/run.sh --scale}. Runs the real
 * coordinator actor with 10 to 1,000 simulated nodes of 16 slots in one JVM ({@link ScaleRun},
 * {@link SimulatedNode}) and prints, per node count, the coordinator's CPU per dispatched batch,
 * the dispatch rate it sustains, its heap per node and its CPU per membership change, as a Markdown
 * table with the median of the rounds and their range.
 *
 * <p>Rounds go through the node counts up, then down, and so on, so the machine's load drifting
 * through a run hits every size alike. A first run at the middle size, not reported, warms the JIT.
 */
@Command(
    name = "bench/run.sh --scale",
    mixinStandardHelpOptions = true,
    description =
        "Measures one real coordinator against simulated nodes in one JVM: CPU per dispatch,"
            + " throughput, heap and membership changes as the node count grows.")
public final class ScaleOnPaper implements Callable<Integer> {

  @Option(
      names = "--nodes",
      split = ",",
      description = "Node counts to run (default: ${DEFAULT-VALUE}).")
  List<Integer> nodeCounts = new ArrayList<>(List.of(10, 30, 100, 300, 1000));

  @Option(names = "--slots", description = "Slots per node (default: ${DEFAULT-VALUE}).")
  int slots = 16;

  @Option(
      names = "--batch",
      description =
          "Inputs per batch (default: ${DEFAULT-VALUE}, what Cohort sizes for tasks of 100 ms or"
              + " more).")
  int batch = 1;

  @Option(
      names = "--batch-time",
      description =
          "With --rate 0, the task time the nodes report per batch, which sets the pipeline depth"
              + " as batches of that length would (default: ${DEFAULT-VALUE}, Cohort's target batch"
              + " time).")
  String batchTime = "100ms";

  @Option(
      names = "--rate",
      description =
          "Dispatches per second the nodes ask for together: each batch holds a slot for"
              + " nodes*slots/rate seconds on average, so every node count asks the same of the"
              + " coordinator; 0: nodes answer at once and the coordinator is the only bound"
              + " (default: ${DEFAULT-VALUE}).")
  int rate = 4000;

  @Option(
      names = "--warmup",
      description = "Job time before the window (default: ${DEFAULT-VALUE}).")
  String warmup = "3s";

  @Option(names = "--window", description = "Measured job time (default: ${DEFAULT-VALUE}).")
  String window = "5s";

  @Option(names = "--rounds", description = "Runs per node count (default: ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(
      names = "--changes",
      description = "Nodes stopped and then joined per run (default: ${DEFAULT-VALUE}).")
  int changes = 20;

  @Option(
      names = "--serialize",
      description = "Send every protocol message through Jackson CBOR and back.")
  boolean serialize;

  @Option(
      names = "--no-jit-warmup",
      description =
          "Skip the first run at the middle node count, unreported, that lets the JIT compile the"
              + " paths measured (for a quick check).")
  boolean noJitWarmup;

  @Option(
      names = "--out",
      description = "Where the Markdown table goes (default: ${DEFAULT-VALUE}).")
  Path out = Path.of(System.getProperty("cohort.bench.root", ".")).resolve("bench/target/scale.md");

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleOnPaper()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (int count : nodeCounts) {
      if (count < 2) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--nodes takes counts of 2 or more, not " + count);
      }
    }
    if (rounds < 1 || slots < 1 || batch < 1 || changes < 0 || rate < 0) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--rounds, --slots and --batch must be 1 or more, --changes and --rate 0 or more");
    }
    List<ScaleRun.Result> results = runAll();
    String page = page(results);
    System.out.println(page);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, page);
    System.err.println("scale: wrote " + out);
    return 0;
  }

  /** Every run, warm-up first; rounds alternate the order of the node counts. */
  List<ScaleRun.Result> runAll() throws Exception {
    List<Integer> sorted = nodeCounts.stream().sorted().toList();
    int middle = sorted.get(sorted.size() / 2);
    if (!noJitWarmup) {
      progress("warming up the JIT at " + middle + " nodes");
      ScaleRun.run(settings(middle), ScaleOnPaper::progress);
    }
    List<ScaleRun.Result> results = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      List<Integer> order = new ArrayList<>(sorted);
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (int count : order) {
        ScaleRun.Result result;
        try {
          result = ScaleRun.run(settings(count), ScaleOnPaper::progress);
        } catch (Exception e) {
          // A coordinator that falls minutes behind its nodes does not answer; that is a result.
          progress("round " + (round + 1) + ", " + count + " nodes: no figures: " + e.getMessage());
          failed.merge(count, 1, Integer::sum);
          continue;
        }
        progress(
            String.format(
                Locale.ROOT,
                "round %d, %d nodes: %.2f µs of coordinator CPU per dispatch, %,.0f dispatches/s",
                round + 1,
                count,
                result.coordinatorMicrosPerDispatch(),
                result.dispatchesPerSecond()));
        progress("  coordinator CPU per dispatch by pool: " + pools(result));
        results.add(result);
      }
    }
    return results;
  }

  /** The coordinator's CPU per dispatch by thread pool, largest first. */
  private static String pools(ScaleRun.Result result) {
    return result.used().byPool().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(5)
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "%s %.2f µs",
                    e.getKey().replaceFirst("^" + ScaleRun.SYSTEM + "-(pekko\\.actor\\.)?", ""),
                    e.getValue() / 1e3 / result.dispatches()))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** Runs that gave no figures, by node count. */
  private final Map<Integer, Integer> failed = new LinkedHashMap<>();

  ScaleRun.Settings settings(int nodes) {
    return new ScaleRun.Settings(
        nodes,
        slots,
        batch,
        Durations.parse(batchTime, "--batch-time"),
        rate,
        Durations.parse(warmup, "--warmup"),
        Durations.parse(window, "--window"),
        changes,
        serialize);
  }

  private static void progress(String line) {
    System.err.println(
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " scale: " + line);
  }

  /** The results page: what ran, then one row per node count. */
  String page(List<ScaleRun.Result> results) {
    Map<Integer, List<ScaleRun.Result>> byNodes = new LinkedHashMap<>();
    nodeCounts.stream().sorted().forEach(n -> byNodes.put(n, new ArrayList<>()));
    results.forEach(r -> byNodes.get(r.settings().nodes()).add(r));
    StringBuilder page = new StringBuilder();
    String answering =
        rate == 0
            ? "answering each message of batches at once, reporting "
                + batchTime
                + " of task time per batch (so pipelines are as deep as for batches that long)"
            : String.format(
                Locale.ROOT,
                "each batch holding one of its node's slots for nodes × %d / %,d s on average"
                    + " (its reported task time), so that every node count asks for %,d"
                    + " dispatches/s",
                slots,
                rate,
                rate);
    page.append(
        String.format(
            Locale.ROOT,
            "One real coordinator and simulated nodes of %d slots in one JVM; a job of `echo` in"
                + " batches of %d inputs, the nodes %s; %s. Medians of %d rounds, range in"
                + " brackets. CPU is the coordinator's threads' (its actor thread, result writer,"
                + " Pekko's scheduler and internal pool; the nodes run on threads of their own),"
                + " over a window of %s (at least two slot times) after %s of warm-up (as long)."
                + " Heap is live heap after full collections: per node registered, then per batch"
                + " out once the nodes hold every batch sent and answer none.%n%n",
            slots,
            batch,
            answering,
            serialize
                ? "every protocol message serialized to CBOR and back"
                : "messages passed as objects, not serialized",
            rounds,
            window,
            warmup));
    page.append(
        "| nodes | slots | coordinator CPU per dispatch | of it, its actor thread | dispatches/s"
            + " | batches per message out / in | nodes' CPU per dispatch | GC and JIT per dispatch"
            + " |\n");
    page.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<Integer, List<ScaleRun.Result>> row : byNodes.entrySet()) {
      List<ScaleRun.Result> runs = row.getValue();
      int n = row.getKey();
      if (runs.isEmpty()) {
        page.append(
            String.format(
                Locale.ROOT,
                "| %,d | %,d | no figures: the coordinator did not answer within a minute |||||%n",
                n,
                n * slots));
        continue;
      }
      page.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,d | %s µs | %s µs | %s | %s / %s | %s µs | %s µs |%n",
              n,
              n * slots,
              range(runs, ScaleRun.Result::coordinatorMicrosPerDispatch, "%.1f"),
              range(runs, r -> r.actorThreadNanos() / 1e3 / r.dispatches(), "%.1f"),
              range(runs, ScaleRun.Result::dispatchesPerSecond, "%,.0f"),
              range(runs, r -> r.dispatches() / (double) r.batchMessages(), "%.1f"),
              range(runs, r -> r.dispatches() / (double) r.resultMessages(), "%.1f"),
              range(runs, r -> r.used().of(Part.NODES) / 1e3 / r.dispatches(), "%.1f"),
              range(runs, r -> r.used().beyondThreads() / 1e3 / r.dispatches(), "%.1f")));
    }
    page.append(
        "\n| nodes | batches out, pipelines full | heap per registered node | heap per batch out"
            + " | coordinator CPU per registration, no job | per node stopped, job running | per"
            + " node joined, job running, with the batches it is sent |\n");
    page.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<Integer, List<ScaleRun.Result>> row : byNodes.entrySet()) {
      List<ScaleRun.Result> runs = row.getValue();
      int n = row.getKey();
      if (runs.isEmpty()) {
        continue;
      }
      page.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %s KiB | %s B | %s µs | %s µs | %s µs |%n",
              n,
              range(runs, r -> (double) r.inFlight(), "%,.0f"),
              range(runs, r -> (r.heapRegistered() - r.heapIdle()) / 1024.0 / n, "%.2f"),
              range(
                  runs,
                  r -> (r.heapFull() - r.heapRegistered()) / (double) Math.max(1, r.inFlight()),
                  "%,.0f"),
              range(runs, r -> r.registerNanos() / 1e3 / n, "%,.0f"),
              range(runs, r -> leaves(r) == 0 ? 0 : r.leaveNanos() / 1e3 / leaves(r), "%,.0f"),
              range(runs, r -> leaves(r) == 0 ? 0 : r.joinNanos() / 1e3 / leaves(r), "%,.0f")));
    }
    failed.forEach(
        (n, count) ->
            page.append(
                String.format(
                    Locale.ROOT,
                    "%n%d of the runs at %,d nodes gave no figures: the coordinator fell so far"
                        + " behind that it did not answer the benchmark's questions within a"
                        + " minute.%n",
                    count,
                    n)));
    return page.toString();
  }

  private int leaves(ScaleRun.Result result) {
    return Math.min(changes, result.settings().nodes() / 2);
  }

  private static String range(
      List<ScaleRun.Result> runs, ToDoubleFunction<ScaleRun.Result> value, String format) {
    double[] values = runs.stream().mapToDouble(value).sorted().toArray();
    String median = String.format(Locale.ROOT, format, median(values));
    if (values.length < 2) {
      return median;
    }
    return median
        + " ("
        + String.format(Locale.ROOT, format, values[0])
        + "–"
        + String.format(Locale.ROOT, format, values[values.length - 1])
        + ")";
  }

  private static double median(
      List<ScaleRun.Result> runs, ToDoubleFunction<ScaleRun.Result> value) {
    return median(runs.stream().mapToDouble(value).sorted().toArray());
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
