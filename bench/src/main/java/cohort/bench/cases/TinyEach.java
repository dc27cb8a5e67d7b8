package cohort.bench.cases;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.bench.BenchContext;
import cohort.bench.peers.PythonPeer;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.Series;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Case 2, tiny tasks one dispatch each: {@code echo} with {@code --batch 1}, results as they
 * complete, against Python's per-item pools and Hazelcast's executor with 1,000 tasks in flight.
 */
public final class TinyEach implements BenchCase {

  static final String COHORT = "Cohort --batch 1, 2 nodes";
  static final String IMAP = "Pool(2).imap_unordered(chunksize=1)";
  static final String COHORT_SHARED =
      "Cohort --batch 1, 2 nodes, --priority 5 --max-running 1000 --limit bench=1000";
  static final String COHORT_COLD = "Cohort --batch 1, 2 nodes, cold";
  static final String IMAP_COLD = "Pool(2).imap_unordered(chunksize=1), cold";
  static final String APPLY_ASYNC = "Pool(2).apply_async";
  static final String EXECUTOR = "ProcessPoolExecutor(2).map";
  static final String HAZELCAST = "Hazelcast IExecutorService, 1,000 in flight";
  static final String RATE = "tasks/s";

  @Override
  public int number() {
    return 2;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    int n = context.pick(2_000, 30_000, 100_000);
    try (LocalCluster cluster = context.cluster(2)) {
      CohortClient client = cluster.client();
      Rounds rounds =
          new Rounds()
              .add(COHORT, Map.of(RATE, true), () -> Map.of(RATE, n / echoEach(client, n)))
              .add(
                  COHORT_SHARED,
                  Map.of(RATE, true),
                  () -> Map.of(RATE, n / echoEach(client, n, TinyEach::shared)))
              .add(
                  COHORT_COLD,
                  Cold.METRICS,
                  () -> Cold.run(context, 2, (c, cc) -> echoEach(cc, n)));
      List<Check> checks = new ArrayList<>();
      if (context.python().isPresent()) {
        PythonPeer python = context.python().get();
        rounds.add(IMAP, Map.of(RATE, true), () -> python(python, "imap-unordered", n));
        rounds.add(
            IMAP_COLD,
            Cold.PYTHON_METRICS,
            () ->
                Cold.python(
                    python.runCold(
                        Duration.ofMinutes(5), "imap-unordered", "--n", "" + n, "--workers", "2")));
        rounds.add(APPLY_ASYNC, Map.of(RATE, true), () -> python(python, "apply-async", n));
        rounds.add(EXECUTOR, Map.of(RATE, true), () -> python(python, "executor-map", n));
      }
      if (context.size() != BenchContext.Size.SMOKE) {
        // Started and warmed first, so its JVMs' start-up does not fall into Cohort's rounds.
        context.warm(() -> context.hazelcast().tasksPerSecond(n, 1000));
        rounds.add(
            HAZELCAST,
            Map.of(RATE, true),
            () -> Map.of(RATE, context.hazelcast().tasksPerSecond(n, 1000)));
      }
      checks.add(
          new Check(
              "Cohort / imap_unordered(chunksize=1)",
              COHORT + " " + RATE,
              IMAP + " " + RATE,
              true,
              2.0));
      checks.add(
          new Check(
              "Cohort with priority and limits / without",
              COHORT_SHARED + " " + RATE,
              COHORT + " " + RATE,
              true,
              0.9));
      checks.add(
          new Check(
              "Cohort / Hazelcast executor",
              COHORT + " " + RATE,
              HAZELCAST + " " + RATE,
              true,
              1.0));
      if (context.python().isPresent()) {
        checks.addAll(
            Cold.checks("Cohort / imap_unordered(chunksize=1)", COHORT_COLD, IMAP_COLD, 2.0));
      }
      context.warm(() -> echoEach(client, n));
      List<Series> series =
          rounds.run(context.rounds(), line -> context.progress("case 2 %s", line));
      return new CaseResult(
          number(),
          "Tiny tasks, one dispatch each",
          String.format(
              "`echo` over %,d integers, one input per dispatch, results as they complete", n),
          series,
          checks,
          List.of(
              "Cold rows: a new cluster per run, its first job (the reading client is the"
                  + " benchmark's warm JVM), against a new `python3` whose new `Pool(2)` runs"
                  + " `imap_unordered` first thing. Hazelcast has no cold row: its members start"
                  + " once per run. "
                  + context.coldClusterNote(),
              "What limits Cohort here (CPU of each JVM from /proc on a warm `cohort local`"
                  + " cluster, jobs of 100,000 inputs with their results read as JSON lines): each"
                  + " one-input batch costs the coordinator 7 to 8 µs of CPU and the nodes about 8"
                  + " µs between them, and the three JVMs share the 2 cores (the run of 2026-11-30"
                  + " before the fixes in docs/performance.md: 37 and 14 µs). Sizing Pekko's thread"
                  + " pools to the cores (one pool for the actors and the transport, one inbound"
                  + " lane, where Pekko's defaults start 8 actor threads and a remoting pool) took"
                  + " the nodes' share from about 4.5 µs and 100,000 dispatches on a warm `cohort"
                  + " local` cluster from 540-590 ms to 445-475 ms. Keeping the coordinator's job"
                  + " state and node table in hash tries (Vavr) instead of sorted trees took its"
                  + " share from about 5 µs. JMH puts that bookkeeping at about 0.45 µs per"
                  + " one-input batch alone (`DispatchStateBenchmark.coordinatorPath`); the rest is"
                  + " the actor messages, the CBOR encoding and Pekko's remoting, on caches the"
                  + " other JVMs share. Cohort coalesces up to 64 such batches per message in each"
                  + " direction (about 40 on average here), which is what puts it ahead of"
                  + " `imap_unordered`. Hazelcast's client sends each task straight to a member's"
                  + " executor queue, a thinner path with no job state. Both rates climb from round"
                  + " to round after the warm-up (the JIT compilers share the 2 cores), so the"
                  + " medians of the paired rounds are the fair comparison."));
    }
  }

  private static Map<String, Double> python(PythonPeer python, String mode, int n) {
    return Map.of(
        RATE,
        python
            .run(Duration.ofMinutes(5), mode, "--n", "" + n, "--workers", "2")
            .get("rate")
            .doubleValue());
  }

  /** Runs {@code echo} over {@code 0..n}, one input per batch, unordered; returns the seconds. */
  static double echoEach(CohortClient client, int n) {
    return echoEach(client, n, request -> request);
  }

  /** The job with a priority, a cap and a named limit, none of which binds on 2 nodes. */
  private static JobRequest shared(JobRequest request) {
    return request.withPriority(5).withMaxRunning(1000).withLimits(Map.of("bench", 1000));
  }

  private static double echoEach(
      CohortClient client, int n, java.util.function.UnaryOperator<JobRequest> settings) {
    long start = System.nanoTime();
    JobStatus job =
        client.submit(
            settings.apply(JobRequest.range("echo", "0.." + n).withBatch(1).withOrdered(false)));
    long lines;
    try (Stream<String> results = client.resultLines(job.id())) {
      lines = results.count();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    JobStatus end = client.status(job.id());
    if (lines != n || end.succeeded() != n) {
      throw new IllegalStateException(
          "echo --batch 1 over " + n + " inputs returned " + lines + " lines: " + end);
    }
    return seconds;
  }
}
