package cohort.bench.cases;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.bench.BenchContext;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Series;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Case 7, memory: the peak resident set (the kernel's {@code VmHWM}) of the coordinator and node
 * JVMs over case 1's job, with their default heap; then the smallest {@code -Xmx} for the
 * coordinator and nodes at which a streamed job of millions of inputs still completes, trying
 * smaller heaps until one fails.
 */
public final class Memory implements BenchCase {

  static final String COORDINATOR = "Cohort coordinator";
  static final String NODE = "Cohort node (larger of 2)";
  static final String STREAMED = "Cohort streamed job";
  static final String RSS = "peak RSS, MiB";
  static final String HEAP = "smallest -Xmx that completes, MiB";

  /** Heaps the search picks from, smallest first. */
  static final int[] HEAPS = {16, 24, 32, 48, 64, 96, 128, 256};

  @Override
  public int number() {
    return 7;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    int n = context.pick(20_000, 1_000_000, 1_000_000);
    Series coordinator = Series.of(COORDINATOR, RSS, false);
    Series node = Series.of(NODE, RSS, false);
    for (int round = 0; round < context.pick(1, 1, 2); round++) {
      try (LocalCluster cluster = context.cluster(2)) {
        CohortClient client = cluster.client();
        for (int i = 0; i < 3; i++) {
          TinyBatched.echo(client, n);
        }
        coordinator = coordinator.plus(peakMiB(cluster.coordinator()));
        double largest = 0;
        for (JvmProcess p : cluster.nodes()) {
          largest = Math.max(largest, peakMiB(p));
        }
        node = node.plus(largest);
        context.progress(
            "case 7: peak RSS after three 1M-echo jobs: coordinator %.0f MiB, node %.0f MiB",
            coordinator.values().get(round), largest);
      }
    }
    int streamed = context.pick(50_000, 1_000_000, 10_000_000);
    // A job that completes with some heap completes with any larger one: binary search.
    Integer smallest = null;
    String failure = null;
    int low = 0;
    int high = HEAPS.length - 1;
    while (low <= high) {
      int heap = HEAPS[(low + high) / 2];
      String failed = tryHeap(context, streamed, heap);
      if (failed == null) {
        smallest = heap;
        high = (low + high) / 2 - 1;
      } else {
        failure = failed;
        low = (low + high) / 2 + 1;
      }
    }
    List<Series> series = new ArrayList<>(List.of(coordinator, node));
    if (smallest != null) {
      series.add(new Series(STREAMED, HEAP, false, List.of((double) smallest)));
    }
    List<String> notes = new ArrayList<>();
    notes.add(
        String.format(
            "Peak RSS over three `echo` jobs of %,d inputs (case 1) with default heaps.", n));
    notes.add(
        String.format(
            "Smallest heap: a streamed `echo` job of %,d inputs (`POST /jobs/{id}/inputs`, results"
                + " read as they come), with `-Xmx` given to the coordinator and both nodes; a"
                + " binary search over %s MiB.",
            streamed, java.util.Arrays.toString(HEAPS)));
    if (failure != null) {
      notes.add("The largest heap that failed: " + failure);
    }
    return new CaseResult(
        number(), "Memory", "the job of case 1, and a streamed job", series, List.of(), notes);
  }

  /**
   * Runs the streamed job with every JVM at {@code -Xmx<heap>m}; null if it completed, else why
   * not.
   */
  private static String tryHeap(BenchContext context, int streamed, int heap) {
    context.progress("case 7: streamed echo of %,d inputs with -Xmx%dm", streamed, heap);
    try (LocalCluster cluster = context.cluster(2, List.of("-Xmx" + heap + "m"))) {
      // A node that runs out of heap exits; with none left the job would wait for one forever.
      long limit = 60 + streamed / 100_000;
      CompletableFuture<Void> run =
          CompletableFuture.runAsync(() -> streamedEcho(cluster, streamed));
      try {
        run.get(limit, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("the job did not complete within " + limit + " s", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return null;
    } catch (RuntimeException e) {
      String failure = "-Xmx" + heap + "m failed: " + e.getMessage();
      context.progress("case 7: %s", failure);
      return failure;
    }
  }

  /** The process's peak resident set, from {@code /proc/PID/status}. */
  static double peakMiB(JvmProcess process) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmHWM for " + process.name());
  }

  /**
   * Streams {@code n} inputs to an {@code echo} job while reading its results; fails unless every
   * result came back and every JVM of the cluster is still alive.
   */
  static void streamedEcho(LocalCluster cluster, int n) {
    CohortClient client = cluster.client();
    JobStatus job = client.submit(JobRequest.streamed("echo"));
    Iterator<JsonNode> inputs =
        new Iterator<>() {
          long next;

          @Override
          public boolean hasNext() {
            return next < n;
          }

          @Override
          public JsonNode next() {
            return LongNode.valueOf(next++);
          }
        };
    CompletableFuture<Long> sent =
        CompletableFuture.supplyAsync(() -> client.sendInputs(job.id(), inputs));
    long lines;
    try (Stream<String> results = client.resultLines(job.id())) {
      lines = results.count();
    }
    long total = sent.join();
    JobStatus end = client.status(job.id());
    boolean alive =
        cluster.coordinator().isAlive() && cluster.nodes().stream().allMatch(JvmProcess::isAlive);
    if (total != n || lines != n || end.state() != JobStatus.State.SUCCEEDED || !alive) {
      throw new IllegalStateException(
          String.format(
              "sent %d, read %d results, job %s, every JVM alive: %s",
              total, lines, end.state(), alive));
    }
  }
}
