package cohort.bench.cases;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.bench.BenchContext;
import cohort.bench.ShippedEcho;
import cohort.bench.peers.PythonPeer;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.Series;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import cohort.client.Credentials;
import cohort.pool.Cohort;
import cohort.pool.Options;
import cohort.pool.Results;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Case 1, tiny tasks batched: {@code echo} over a range of integers through the whole path (client
 * → coordinator → nodes → client, every result back as a typed value through {@link
 * CohortClient#results}) with Cohort's default adaptive batching, against {@code Pool(2).map} with
 * its default chunksize; warm, and cold (the first job of a new cluster, a new interpreter's pool).
 * And the typed Java API's {@code Cohort.imapUnordered} over the same integers, with a task whose
 * code the API ships, against {@code Pool(2).imap_unordered} with a chunksize of {@value
 * #CHUNKSIZE}.
 */
public final class TinyBatched implements BenchCase {

  static final String COHORT = "Cohort, 2 nodes";
  static final String POOL = "Pool(2).map";
  static final String COHORT_COLD = "Cohort, 2 nodes, cold";
  static final String POOL_COLD = "Pool(2).map, cold";
  static final String API = "Cohort, Java API imapUnordered";

  /** The chunksize of the {@code imap_unordered} row: Python's default of 1 would be per item. */
  static final int CHUNKSIZE = 1000;

  static final String IMAP = "Pool(2).imap_unordered(chunksize=" + CHUNKSIZE + ")";
  static final String RATE = "tasks/s";

  /** What limits the Cohort row, as measured (see docs/performance.md). */
  static final String LIMITS =
      "What limits Cohort here (CPU of each process from /proc on a warm local cluster,"
          + " `cohort.bench.ResultPathProbe`, medians of 7 jobs of 1,000,000 inputs; perf on the"
          + " nodes): batches are already at `max-batch` (4,096 inputs; 16,384 changed nothing),"
          + " so dispatch is not the cost; the result path is, even in its compact form. Per result"
          + " the coordinator spends 140 to 160 ns of CPU (the nodes' result blocks in, the frame"
          + " log, serving frames), the two nodes 190 to 220 ns between them and the reading client"
          + " 60 to 70 ns: about 0.4 s of CPU per million results on 2 cores, where `Pool.map`"
          + " needs 0.12 to 0.25 s of wall in all. A fifth of a node's CPU is its slot thread"
          + " (running and encoding), three fifths Pekko's actor and transport threads, most of it"
          + " in the kernel waking and parking them. Two changes of 2026-12-01 took it from 0.65"
          + " µs: the node reads the clock once per part of a batch instead of three times per"
          + " input, and the actors and transport share one thread per two cores.";

  @Override
  public int number() {
    return 1;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    int n = context.pick(20_000, 1_000_000, 1_000_000);
    try (LocalCluster cluster = context.cluster(2);
        Cohort cohort =
            Cohort.connect(URI.create(cluster.url()), Credentials.of(cluster.token()))) {
      CohortClient client = cluster.client();
      ShippedEcho task = new ShippedEcho();
      context.warm(
          () -> {
            echo(client, n);
            return imapUnordered(cohort, task, n); // its first job ships the task's code, once
          }); // the peers' pools are warm too
      Rounds rounds =
          new Rounds()
              .add(COHORT, Map.of(RATE, true), () -> Map.of(RATE, n / echo(client, n)))
              .add(COHORT_COLD, Cold.METRICS, () -> Cold.run(context, 2, (c, cc) -> echo(cc, n)));
      List<Check> checks = new ArrayList<>();
      checks.add(new Check("Cohort / " + POOL, COHORT + " " + RATE, POOL + " " + RATE, true, 1.0));
      if (context.python().isPresent()) {
        PythonPeer python = context.python().get();
        String[] map = {"map", "--n", "" + n, "--workers", "2"};
        rounds.add(
            POOL,
            Map.of(RATE, true),
            () -> Map.of(RATE, python.run(Duration.ofMinutes(5), map).get("rate").doubleValue()));
        rounds.add(
            POOL_COLD,
            Cold.PYTHON_METRICS,
            () -> Cold.python(python.runCold(Duration.ofMinutes(5), map)));
        checks.addAll(Cold.checks("Cohort / " + POOL, COHORT_COLD, POOL_COLD, 1.0));
      }
      rounds.add(API, Map.of(RATE, true), () -> Map.of(RATE, n / imapUnordered(cohort, task, n)));
      if (context.python().isPresent()) {
        PythonPeer python = context.python().get();
        String[] imap = {
          "imap-unordered", "--n", "" + n, "--workers", "2", "--chunksize", "" + CHUNKSIZE
        };
        rounds.add(
            IMAP,
            Map.of(RATE, true),
            () -> Map.of(RATE, python.run(Duration.ofMinutes(5), imap).get("rate").doubleValue()));
      }
      // No target for the API's streamed rate against imap_unordered: every streamed input is
      // parsed, synced to the job's input file and journaled before it runs, which Python's
      // in-memory chunks never are; the table shows the ratio.
      List<Series> series =
          rounds.run(context.rounds(), line -> context.progress("case 1 %s", line));
      return new CaseResult(
          number(),
          "Tiny tasks, batched",
          String.format(
              "`echo` over %,d integers, every result back to the client as a typed value"
                  + " (`CohortClient.results`, the compact result frames); and the same integers"
                  + " through the Java API's `imapUnordered` against `imap_unordered`",
              n),
          series,
          checks,
          List.of(
              LIMITS,
              "Cold rows: a new cluster per run, its first job (the cluster's JVMs have compiled"
                  + " nothing yet; the reading client is the benchmark's warm JVM), against a new"
                  + " `python3` whose new `Pool(2)` maps first thing. "
                  + context.coldClusterNote(),
              "The Java API row is `Cohort.imapUnordered(task, iterator, Options.defaults())` with"
                  + " every output read as an `Integer`: a streamed job whose inputs the API sends"
                  + " as JSON lines from one of its threads while the caller reads the results, in"
                  + " batches Cohort sizes itself. Its task, `cohort.bench.ShippedEcho`, is"
                  + " installed on no node: the API shipped its code once, before the warm-up. The"
                  + " Python peer is `imap_unordered(identity, range(n), chunksize="
                  + CHUNKSIZE
                  + ")` on a warm `Pool(2)`: with its default chunksize of 1 each item would be a"
                  + " dispatch of its own (case 2). Unlike the `Cohort, 2 nodes` row, whose range"
                  + " the coordinator expands itself, the API's inputs arrive as a stream (`POST"
                  + " /jobs/{id}/inputs`), admitted only as the job's buffer has room: a streamed"
                  + " `echo` job through `CohortClient` with the same integers ran at the API's"
                  + " rate (300,000 inputs, warm, 4 jobs each: 114,000 to 183,000 tasks/s against"
                  + " 134,000 to 143,000), so the streamed path bounds this row, not the API's JSON"
                  + " or the shipped code."));
    }
  }

  /**
   * Runs {@link ShippedEcho} over {@code 0..n} through the Java API's {@code imapUnordered}, the
   * inputs from an iterator and every output read as an {@code Integer}; returns the seconds from
   * the call to the last output.
   */
  static double imapUnordered(Cohort cohort, ShippedEcho task, int n) {
    long start = System.nanoTime();
    long count = 0;
    long sum = 0;
    double seconds;
    try (Results<Integer> results =
        cohort.imapUnordered(task, IntStream.range(0, n).iterator(), Options.defaults())) {
      while (results.hasNext()) {
        sum += results.next();
        count++;
      }
      seconds = (System.nanoTime() - start) / 1e9;
    }
    if (count != n || sum != (long) n * (n - 1) / 2) {
      throw new IllegalStateException(
          "imapUnordered over " + n + " inputs returned " + count + " outputs summing to " + sum);
    }
    return seconds;
  }

  /**
   * Runs {@code echo} over {@code 0..n} and reads every result as a typed value, as a Java user of
   * the client does; returns the seconds from submission to the last result.
   */
  static double echo(CohortClient client, int n) {
    long start = System.nanoTime();
    JobStatus job = client.submit(JobRequest.range("echo", "0.." + n));
    long count = 0;
    long sum = 0;
    Result last = null;
    try (Stream<Result> results = client.results(job.id())) {
      for (Iterator<Result> it = results.iterator(); it.hasNext(); ) {
        last = it.next();
        sum += last.output().longValue();
        count++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (count != n || last == null || last.index() != n - 1 || sum != (long) n * (n - 1) / 2) {
      throw new IllegalStateException(
          "echo over "
              + n
              + " inputs returned "
              + count
              + " results summing to "
              + sum
              + ", the last "
              + last);
    }
    return seconds;
  }
}
