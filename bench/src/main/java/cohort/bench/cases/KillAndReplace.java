package cohort.bench.cases;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.bench.BenchContext;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The recovery scenario: 4 inputs of 5 s on 2 single-slot nodes; one node is killed with
 * SIGKILL 3 s after the submission and a replacement node is started at 9 s. The surviving node
 * runs three inputs back to back (0 to 15 s); the replacement can take the fourth as soon as it is
 * up, if queued work moves to idle slots, so the job should end at about 15 s, not 20 s (the
 * survivor running all four). The ideal is the later of 15 s and the replacement's readiness plus 5
 * s, since a replacement that takes longer to start cannot finish its input sooner.
 */
final class KillAndReplace {

  static final String SYSTEM = "Cohort, 2 nodes, kill at 3 s, new node at 9 s";
  static final String JOB = "job s";
  static final String READY = "new node ready at, s";
  static final String IDEAL = "ideal s";
  static final String OVER_IDEAL = "job / ideal";

  static final long TASK_MILLIS = 5_000;
  static final int INPUTS = 4;
  static final long KILL_AT_MILLIS = 3_000;
  static final long REPLACE_AT_MILLIS = 9_000;

  private KillAndReplace() {}

  /** The figures of one run, in the page's order. */
  static Map<String, Double> run(BenchContext context, Consumer<String> progress) throws Exception {
    try (LocalCluster cluster = context.cluster(2)) {
      CohortClient client = cluster.client();
      List<JsonNode> inputs = Collections.nCopies(INPUTS, LongNode.valueOf(TASK_MILLIS));
      long start = System.nanoTime();
      JobStatus job = client.submit(JobRequest.of("stamp", inputs).withBatch(1).withOrdered(false));
      sleepUntil(start, KILL_AT_MILLIS);
      JvmProcess victim = cluster.nodes().get(1);
      victim.kill();
      sleepUntil(start, REPLACE_AT_MILLIS);
      JvmProcess replacement = cluster.launchNode(1);
      replacement.awaitReady(LocalCluster.START_TIMEOUT);
      double ready = (System.nanoTime() - start) / 1e9;
      List<String> stamps = new ArrayList<>();
      try (Stream<Result> results = client.results(job.id())) {
        results.forEach(
            r ->
                stamps.add(
                    String.format(
                        "input %d on %s from %.1f s",
                        r.index(),
                        r.output().get("node").textValue(),
                        (r.output().get("startedAt").longValue() - epochMillis(start)) / 1000.0)));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      JobStatus end = client.status(job.id());
      if (end.state() != JobStatus.State.SUCCEEDED || end.succeeded() != INPUTS) {
        throw new IllegalStateException("the job did not complete every input: " + end);
      }
      double ideal = Math.max(3 * TASK_MILLIS / 1000.0, ready + TASK_MILLIS / 1000.0);
      progress.accept(
          String.format(
              "kill and replace: the job took %.1f s (ideal %.1f s, the new node ready at %.1f s):"
                  + " %s",
              seconds, ideal, ready, String.join("; ", stamps)));
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put(JOB, seconds);
      figures.put(READY, ready);
      figures.put(IDEAL, ideal);
      figures.put(OVER_IDEAL, seconds / ideal);
      return figures;
    }
  }

  /** The wall clock's epoch milliseconds at a moment of {@link System#nanoTime}. */
  private static long epochMillis(long nanoTime) {
    return System.currentTimeMillis() - (System.nanoTime() - nanoTime) / 1_000_000;
  }

  private static void sleepUntil(long start, long millis) throws InterruptedException {
    long left = millis - Duration.ofNanos(System.nanoTime() - start).toMillis();
    if (left > 0) {
      Thread.sleep(left);
    }
  }
}
