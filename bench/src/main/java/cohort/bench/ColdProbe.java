package cohort.bench;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a cold cluster's time goes, by CPU: starts a new cluster of two nodes again and again, with
 * the JVM flags given, and reports per JVM the CPU to readiness, of the first job and of the second
 * (the same job, the JVMs no longer new). CPU time holds when other work shares the machine, so it
 * shows what a start-up flag saves.
 *
 * <pre>java -cp ... [-Dcohort.probe.flags="..."] cohort.bench.ColdProbe JAR [inputs] [clusters]
 * </pre>
 *
 * JAR is the class path the children run (the snapshot jar for the class-data archive, which the
 * flags then name).
 */
public final class ColdProbe {

  private ColdProbe() {}

  public static void main(String[] args) throws Exception {
    String classPath = args[0];
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int clusters = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    String flagText = System.getProperty("cohort.probe.flags", "").trim();
    List<String> flags = flagText.isEmpty() ? List.of() : List.of(flagText.split("\\s+"));
    Path logs = Files.createTempDirectory("cohort-cold-");
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < clusters; i++) {
      long start = System.nanoTime();
      try (LocalCluster cluster = BenchContext.startCluster(classPath, flags, logs, 2, 1)) {
        double startWall = (System.nanoTime() - start) / 1e9;
        CohortClient client = CohortClient.connect(URI.create(cluster.url()));
        long[] ready = cpu(cluster);
        long[] compilersReady = compilers(cluster);
        long t0 = System.nanoTime();
        run(client, n);
        double firstWall = (System.nanoTime() - t0) / 1e9;
        long[] first = cpu(cluster);
        long[] compilersFirst = compilers(cluster);
        System.out.printf(
            "cluster %d: JIT compiler threads' CPU to ready %.2f s, in the first job %.2f s"
                + " (all 3 JVMs)%n",
            i + 1, compilersReady[0] / 1e9, (compilersFirst[0] - compilersReady[0]) / 1e9);
        t0 = System.nanoTime();
        run(client, n);
        double secondWall = (System.nanoTime() - t0) / 1e9;
        long[] second = cpu(cluster);
        Thread.sleep(5_000); // idle: what the cluster's timers, heartbeats and compilers use
        long[] idle = cpu(cluster);
        System.out.printf(
            "cluster %d: idle for 5 s after the second job: CPU coordinator %.3f s/s, nodes %.3f"
                + " s/s each%n",
            i + 1, (idle[0] - second[0]) / 5e9, (idle[1] + idle[2] - second[1] - second[2]) / 10e9);
        double[] row = {
          startWall,
          ready[0] / 1e9,
          (ready[1] + ready[2]) / 2e9,
          firstWall,
          (first[0] - ready[0]) / 1e9,
          (first[1] + first[2] - ready[1] - ready[2]) / 1e9,
          secondWall,
          (second[0] - first[0]) / 1e9,
          (second[1] + second[2] - first[1] - first[2]) / 1e9
        };
        rows.add(row);
        System.out.printf(
            "cluster %d: start %.2f s wall, CPU to ready: coordinator %.2f, node %.2f each;"
                + " first job %.2f s wall, CPU coordinator %.2f nodes %.2f; second job %.2f s"
                + " wall, CPU coordinator %.2f nodes %.2f%n",
            i + 1, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]);
      }
    }
    double[] medians = new double[rows.get(0).length];
    for (int c = 0; c < medians.length; c++) {
      List<Double> column = new ArrayList<>();
      for (double[] row : rows) {
        column.add(row[c]);
      }
      Collections.sort(column);
      medians[c] = column.get(column.size() / 2);
    }
    System.out.printf(
        "median of %d: start %.2f s wall, CPU to ready: coordinator %.2f, node %.2f each;"
            + " first job %.2f s wall, CPU coordinator %.2f nodes %.2f; second job %.2f s wall,"
            + " CPU coordinator %.2f nodes %.2f  [flags: %s]%n",
        clusters,
        medians[0],
        medians[1],
        medians[2],
        medians[3],
        medians[4],
        medians[5],
        medians[6],
        medians[7],
        medians[8],
        flagText);
  }

  private static void run(CohortClient client, int n) {
    JobStatus job = client.submit(JobRequest.range("echo", "0.." + n));
    long seen = 0;
    try (Stream<Result> results = client.results(job.id())) {
      for (Iterator<Result> it = results.iterator(); it.hasNext(); it.next()) {
        seen++;
      }
    }
    if (seen != n) {
      throw new IllegalStateException("read " + seen + " results of " + n);
    }
  }

  /** CPU nanoseconds so far of the coordinator and the two nodes. */
  private static long[] cpu(LocalCluster cluster) throws IOException {
    List<JvmProcess> nodes = cluster.nodes();
    return new long[] {cpu(cluster.coordinator()), cpu(nodes.get(0)), cpu(nodes.get(1))};
  }

  /** CPU nanoseconds so far of the JIT compilers' threads of every JVM of the cluster. */
  private static long[] compilers(LocalCluster cluster) throws IOException {
    List<JvmProcess> all = new ArrayList<>(cluster.nodes());
    all.add(cluster.coordinator());
    long total = 0;
    for (JvmProcess process : all) {
      try (Stream<Path> threads = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
        for (Path thread : threads.toList()) {
          String stat;
          try {
            stat = Files.readString(thread.resolve("stat"));
          } catch (IOException gone) {
            continue; // the thread ended
          }
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
          }
        }
      }
    }
    return new long[] {total};
  }

  private static long cpu(JvmProcess process) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
  }
}
