package cohort.bench.cases;

import cohort.bench.BenchContext;
import cohort.bench.report.Check;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cold rows: the first job of a cluster started for it, as {@code cohort local} and then a
 * first {@code cohort submit} meet it. A new cluster per run, measured three ways: the job alone
 * (start-up excluded), from launching the cluster to the job's end (start-up included), and the CPU
 * the cluster's JVMs spent on the job, which holds when other work shares the machine.
 */
final class Cold {

  /** The first job: runs it on the new cluster and returns its seconds. */
  interface FirstJob {
    double run(LocalCluster cluster, CohortClient client) throws Exception;
  }

  static final String JOB = "first job s";
  static final String WITH_STARTUP = "with start-up s";
  static final String CPU = "cluster CPU s, first job";

  /** Whether each cold metric is better when higher (none is), in the page's order. */
  static final Map<String, Boolean> METRICS = ordered(JOB, WITH_STARTUP, CPU);

  /** The Python peers' cold metrics: no cluster, so no cluster CPU. */
  static final Map<String, Boolean> PYTHON_METRICS = ordered(JOB, WITH_STARTUP);

  private Cold() {}

  private static Map<String, Boolean> ordered(String... metrics) {
    Map<String, Boolean> ordered = new LinkedHashMap<>();
    for (String metric : metrics) {
      ordered.put(metric, false);
    }
    return Collections.unmodifiableMap(ordered);
  }

  /** A cold Python run's figures ({@link cohort.bench.peers.PythonPeer#runCold}). */
  static Map<String, Double> python(JsonNode run) {
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put(JOB, run.get("seconds").doubleValue());
    figures.put(WITH_STARTUP, run.get("with_startup").doubleValue());
    return figures;
  }

  /**
   * The targets on a case's cold rows: Cohort's seconds over the peer's, round by round, the job
   * alone and with start-up, at most {@code 1 / speedTarget} (a peer faster by the warm row's
   * factor ties).
   */
  static List<Check> checks(String label, String cohort, String peer, double speedTarget) {
    return List.of(
        new Check(
            label + ", cold: first job, seconds",
            cohort + " " + JOB,
            peer + " " + JOB,
            false,
            1 / speedTarget),
        new Check(
            label + ", cold: with start-up, seconds",
            cohort + " " + WITH_STARTUP,
            peer + " " + WITH_STARTUP,
            false,
            1 / speedTarget));
  }

  /**
   * Starts a cluster of {@code nodes} node JVMs of one slot each, runs {@code job} on it first
   * thing, and stops it.
   */
  static Map<String, Double> run(BenchContext context, int nodes, FirstJob job) throws Exception {
    return run(context, nodes, 1, job);
  }

  /**
   * Starts a cluster of {@code nodes} node JVMs of {@code workers} slots each, runs {@code job} on
   * it first thing, and stops it.
   */
  static Map<String, Double> run(BenchContext context, int nodes, int workers, FirstJob job)
      throws Exception {
    long start = System.nanoTime();
    try (LocalCluster cluster = context.coldCluster(nodes, workers)) {
      double startup = (System.nanoTime() - start) / 1e9;
      CohortClient client = cluster.client();
      long cpuBefore = cpuNanos(cluster);
      double seconds = job.run(cluster, client);
      double cpu = (cpuNanos(cluster) - cpuBefore) / 1e9;
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put(JOB, seconds);
      figures.put(WITH_STARTUP, startup + seconds);
      figures.put(CPU, cpu);
      return figures;
    }
  }

  /** User and system CPU of the cluster's JVMs so far, from /proc. */
  static long cpuNanos(LocalCluster cluster) {
    long total = cpuNanos(cluster.coordinator());
    for (JvmProcess node : cluster.nodes()) {
      total += cpuNanos(node);
    }
    return total;
  }

  private static long cpuNanos(JvmProcess process) {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of " + process.name(), e);
    }
  }
}
