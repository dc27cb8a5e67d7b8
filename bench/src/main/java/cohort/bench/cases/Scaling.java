package cohort.bench.cases;

import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.bench.BenchContext;
import cohort.bench.peers.PythonPeer;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.Series;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import cohort.node.tasks.Span;
import cohort.node.tasks.SumRangeTask;
import cohort.task.FileRef;
import cohort.task.NoParams;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Case 4, CPU-bound scaling: {@code sum-range} over a range sized for a given time on one worker,
 * on one node JVM and on two, against {@code Pool(1)} and {@code Pool(2)} on the documents' sum
 * loop over a range sized the same way for Python. Speedup is the 1-worker time over the 2-worker
 * time of the same round; efficiency is the speedup over the ideal, the cores here.
 */
public final class Scaling implements BenchCase {

  static final String ONE = "Cohort, 1 node";
  static final String TWO = "Cohort, 2 nodes";
  static final String POOL1 = "Pool(1) sum loop";
  static final String POOL2 = "Pool(2) sum loop";
  static final String THREADS1 = "JVM threads, 1";
  static final String THREADS2 = "JVM threads, 2";
  static final String TWO_COLD = "Cohort, 2 nodes, cold";
  static final String POOL2_COLD = "Pool(2) sum loop, cold";
  static final String SECONDS = "s";

  /** Parts of the range for every run, so both sides balance the same way. */
  static final int SPLIT = 16;

  @Override
  public int number() {
    return 4;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    double target = context.pick(0.5, 1.0, 10.0);
    int cores = Runtime.getRuntime().availableProcessors();
    try (LocalCluster one = context.cluster(1);
        LocalCluster two = context.cluster(2)) {
      CohortClient single = one.client();
      CohortClient pair = two.client();
      // Size the range from a short run on one worker, once the JIT has compiled the loop.
      long probe = 400_000_000L;
      context.warm(() -> sum(single, probe) + sum(pair, probe));
      double probeSeconds = Math.min(sum(single, probe), sum(single, probe));
      long end = Math.max(probe, (long) (probe / probeSeconds * target));
      context.progress("case 4: Cohort sums 0..%,d, about %.0f s on one worker", end, target);
      Rounds rounds =
          new Rounds()
              .add(ONE, Map.of(SECONDS, false), () -> Map.of(SECONDS, sum(single, end)))
              .add(TWO, Map.of(SECONDS, false), () -> Map.of(SECONDS, sum(pair, end)))
              .add(THREADS1, Map.of(SECONDS, false), () -> Map.of(SECONDS, threads(1, end)))
              .add(THREADS2, Map.of(SECONDS, false), () -> Map.of(SECONDS, threads(2, end)))
              .add(TWO_COLD, Cold.METRICS, () -> Cold.run(context, 2, (c, cc) -> sum(cc, end)));
      long pythonEnd = 0;
      if (context.python().isPresent()) {
        PythonPeer python = context.python().get();
        long pythonProbe = 5_000_000L;
        double rate = python(python, 1, pythonProbe).get("rate").doubleValue();
        long sized = Math.max(pythonProbe, (long) (rate * target));
        pythonEnd = sized;
        context.progress("case 4: Python sums 0..%,d, about %.0f s on one worker", sized, target);
        rounds.add(
            POOL1,
            Map.of(SECONDS, false),
            () -> Map.of(SECONDS, python(python, 1, sized).get("seconds").doubleValue()));
        rounds.add(
            POOL2,
            Map.of(SECONDS, false),
            () -> Map.of(SECONDS, python(python, 2, sized).get("seconds").doubleValue()));
        rounds.add(
            POOL2_COLD,
            Cold.PYTHON_METRICS,
            () ->
                Cold.python(
                    python.runCold(
                        Duration.ofMinutes(10),
                        "sum",
                        "--workers",
                        "2",
                        "--end",
                        "" + sized,
                        "--split",
                        "" + SPLIT)));
      }
      List<Series> series =
          new ArrayList<>(
              rounds.run(context.rounds(), line -> context.progress("case 4 %s", line)));
      series.addAll(derived("Cohort", series, ONE + " " + SECONDS, TWO + " " + SECONDS, cores));
      series.addAll(derived("Python", series, POOL1 + " " + SECONDS, POOL2 + " " + SECONDS, cores));
      series.addAll(
          derived(
              "JVM threads", series, THREADS1 + " " + SECONDS, THREADS2 + " " + SECONDS, cores));
      series.addAll(
          derived("Cohort cold", series, ONE + " " + SECONDS, TWO_COLD + " " + Cold.JOB, cores));
      series.add(ratio(series, "Cohort", "JVM threads"));
      series.add(ratio(series, "Cohort cold", "JVM threads"));
      return new CaseResult(
          number(),
          "CPU-bound scaling",
          String.format(
              "Cohort: `sum-range` over 0..%,d in %d parts; Python: the same loop over 0..%,d in %d"
                  + " parts; each range about %.0f s on one worker; %d cores",
              end, SPLIT, pythonEnd, SPLIT, target, cores),
          series,
          List.of(
              new Check(
                  "Cohort efficiency on 2 nodes / JVM threads' (the machine's ceiling)",
                  "Cohort " + OF_CEILING,
                  null,
                  true,
                  0.98),
              new Check(
                  "Cohort cold efficiency / JVM threads'",
                  "Cohort cold " + OF_CEILING,
                  null,
                  true,
                  0.98)),
          List.of(
              "The JVM threads rows run the same `sum-range` code on 1 and 2 threads of the"
                  + " benchmark's own JVM, with no cluster: what this machine's 2 cores give this"
                  + " loop at best. The target is Cohort's efficiency as a share of theirs, round"
                  + " by round (`efficiency / JVM threads'`).",
              "Cold: a new cluster of 2 nodes per run, its first job; its efficiency takes the warm"
                  + " 1-node time of the same round over twice the cold 2-node time. "
                  + context.coldClusterNote()));
    }
  }

  /**
   * Speedup and efficiency of a 1-worker and a 2-worker series, named by their keys, round by
   * round.
   */
  private static List<Series> derived(
      String system, List<Series> series, String one, String two, int cores) {
    Series t1 = find(series, one);
    Series t2 = find(series, two);
    if (t1 == null || t2 == null) {
      return List.of();
    }
    Series speedup = Series.of(system, "speedup", true);
    Series efficiency = Series.of(system, "efficiency", true);
    for (int i = 0; i < Math.min(t1.values().size(), t2.values().size()); i++) {
      double s = t1.values().get(i) / t2.values().get(i);
      speedup = speedup.plus(s);
      efficiency = efficiency.plus(s / Math.min(2, cores));
    }
    return List.of(speedup, efficiency);
  }

  static final String OF_CEILING = "efficiency / JVM threads'";

  /** A system's efficiency over the JVM threads' efficiency of the same round. */
  private static Series ratio(List<Series> series, String system, String ceiling) {
    Series mine = find(series, system + " efficiency");
    Series best = find(series, ceiling + " efficiency");
    Series ratio = Series.of(system, OF_CEILING, true);
    if (mine == null || best == null) {
      return ratio;
    }
    for (int i = 0; i < Math.min(mine.values().size(), best.values().size()); i++) {
      ratio = ratio.plus(mine.values().get(i) / best.values().get(i));
    }
    return ratio;
  }

  private static Series find(List<Series> series, String key) {
    return series.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
  }

  /** Sums 0..end on the cluster and checks the sum; returns the seconds to the answer. */
  static double sum(CohortClient client, long end) {
    long start = System.nanoTime();
    JobOutcome outcome = client.run(JobRequest.range("sum-range", "0.." + end).withSplit(SPLIT));
    double seconds = (System.nanoTime() - start) / 1e9;
    BigInteger expected =
        BigInteger.valueOf(end).multiply(BigInteger.valueOf(end - 1)).shiftRight(1);
    if (!outcome.job().combined().bigIntegerValue().equals(expected)) {
      throw new IllegalStateException(
          "sum-range 0.." + end + " gave " + outcome.job().combined() + ", not " + expected);
    }
    return seconds;
  }

  /**
   * Sums 0..end in {@link #SPLIT} parts with the {@code sum-range} task's own code on {@code
   * threads} threads of this JVM; returns the seconds.
   */
  static double threads(int threads, long end) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<BigInteger>> parts = new ArrayList<>();
      for (int part = 0; part < SPLIT; part++) {
        long from = end * part / SPLIT;
        long to = end * (part + 1) / SPLIT;
        parts.add(
            pool.submit(() -> new SumRangeTask().run(new Span(from, to), new NoParams(), LOCAL)));
      }
      BigInteger total = BigInteger.ZERO;
      for (Future<BigInteger> part : parts) {
        total = total.add(part.get());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      BigInteger expected =
          BigInteger.valueOf(end).multiply(BigInteger.valueOf(end - 1)).shiftRight(1);
      if (!total.equals(expected)) {
        throw new IllegalStateException(
            "the threads summed 0.." + end + " to " + total + ", not " + expected);
      }
      return seconds;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The context of a task run outside a cluster. */
  private static final TaskContext LOCAL =
      new TaskContext() {
        public String jobId() {
          return "bench";
        }

        public long index() {
          return 0;
        }

        public int attempt() {
          return 1;
        }

        public String node() {
          return "bench";
        }

        public boolean isCancelled() {
          return Thread.currentThread().isInterrupted();
        }

        public byte[] read(FileRef file) {
          throw new UnsupportedOperationException("sum-range reads no files");
        }
      };

  private static JsonNode python(PythonPeer python, int workers, long end) {
    return python.run(
        Duration.ofMinutes(10),
        "sum",
        "--workers",
        "" + workers,
        "--end",
        "" + end,
        "--split",
        "" + SPLIT);
  }
}
