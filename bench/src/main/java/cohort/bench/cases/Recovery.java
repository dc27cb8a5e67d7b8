package cohort.bench;

import cohort.client.CohortClient;
import cohort.client.local.JvmProcess;
import cohort.client.local.LocalCluster;
import cohort.messages.api.JobRequest;
import cohort.messages.api.JobStatus;
import cohort.messages.api.Result;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Recovery: SIGKILL one of three node JVMs in the middle of a job, and measure the seconds from
 * the kill until the inputs it held start on other nodes, and how much later the job ends than
 * the same job without a kill.
 */
final class RecoveryBench {

  private static final long TASK_MILLIS = 50;

  private RecoveryBench() {}

  /** What one run measured. */
  record Run(double redispatchSeconds, double delaySeconds) {}

  static List<Run> run(String classPath, Path logs, int runs, int inputs) {
    List<Run> measured = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      try (LocalCluster cluster =
          LocalCluster.start(
              new LocalCluster.Options(
                  classPath, List.of("-Xmx256m"), "127.0.0.1", 0, 0, Optional.of(logs), line -> {}, false, false, List.of()),
              3)) {
        CohortClient client = CohortClient.connect(URI.create(cluster.url()));
        double baseline = jobSeconds(client, inputs, null);
        long[] killedAt = new long[1];
        double withKill = jobSeconds(client, inputs, cluster, killedAt);
        double redispatch = firstRerunStart(client, lastJob(client)) - killedAt[0];
        measured.add(new Run(redispatch / 1000.0, withKill - baseline));
        System.out.printf(
            "  run %d: re-dispatched %.2f s after the kill; job %.2f s later than without it%n",
            i + 1, redispatch / 1000.0, withKill - baseline);
      }
    }
    return measured;
  }

  private static double jobSeconds(CohortClient client, int inputs, LocalCluster cluster) {
    return jobSeconds(client, inputs, cluster, new long[1]);
  }

  /** Runs the job; with a cluster given, kills a node once a third of the results are in. */
  private static double jobSeconds(CohortClient client, int inputs, LocalCluster cluster, long[] killedAt) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      values.add(LongNode.valueOf(TASK_MILLIS));
    }
    long start = System.nanoTime();
    JobStatus job = client.submit(JobRequest.of("stamp", values).withOrdered(false));
    int seen = 0;
    try (Stream<Result> results = client.results(job.id())) {
      for (Iterator<Result> it = results.iterator(); it.hasNext(); ) {
        Result result = it.next();
        if (++seen == inputs / 3 && cluster != null) {
          String victim = result.output().get("node").textValue();
          JvmProcess node =
              cluster.nodes().stream()
                  .filter(JvmProcess::isAlive)
                  .filter(p -> p.readiness().map(r -> victim.equals(r.get("node"))).orElse(false))
                  .findFirst()
                  .orElseThrow();
          killedAt[0] = System.currentTimeMillis();
          node.kill();
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    JobStatus end = client.status(job.id());
    if (end.state() != JobStatus.State.SUCCEEDED || end.succeeded() != inputs) {
      throw new IllegalStateException("the job did not complete every input: " + end);
    }
    return seconds;
  }

  private static String lastJob(CohortClient client) {
    List<JobStatus> jobs = client.jobs();
    return jobs.get(jobs.size() - 1).id();
  }

  /** The earliest start, in epoch ms, of an input on its second or later run. */
  private static long firstRerunStart(CohortClient client, String job) {
    try (Stream<Result> results = client.results(job)) {
      return results
          .map(Result::output)
          .filter(stamp -> stamp.get("attempt").intValue() > 1)
          .mapToLong(stamp -> stamp.get("startedAt").longValue())
          .min()
          .orElseThrow(() -> new IllegalStateException("no input ran twice: the kill came too late"));
    }
  }

  static void report(List<Run> runs) {
    Stats redispatch = Stats.of(runs.stream().map(Run::redispatchSeconds).toList());
    Stats delay = Stats.of(runs.stream().map(Run::delaySeconds).toList());
    System.out.println("recovery: kill -9 one of three nodes mid-job");
    System.out.println("  kill to re-dispatch: " + redispatch.format("s"));
    System.out.println("  job delay:           " + delay.format("s"));
  }

  static Duration taskTime() {
    return Duration.ofMillis(TASK_MILLIS);
  }
}
