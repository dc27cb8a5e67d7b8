package cohort.bench;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU per result of case 1's path, process by process: {@code echo} over a range on a local cluster
 * of two nodes, every result read by this client. CPU time, unlike wall time, holds when other work
 * shares the machine, so it shows what a change to the result path saves.
 *
 * <p>Mode {@code each} is case 2's path instead: one input per batch, unordered, results read as
 * JSON lines.
 *
 * <pre>java -cp ... cohort.bench.ResultPathProbe [inputs] [jobs] [lines|frames|each]</pre>
 */
public final class ResultPathProbe {

  private ResultPathProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String mode = args.length > 2 ? args[2] : "frames";
    Path logs = Files.createTempDirectory("cohort-probe-");
    try (LocalCluster cluster =
        BenchContext.startCluster(System.getProperty("java.class.path"), flags(), logs, 2, 1)) {
      CohortClient client = CohortClient.connect(URI.create(cluster.url()));
      for (int i = 0; i < 3; i++) {
        run(client, n, mode);
      }
      var process =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      List<Double> coordinator = new ArrayList<>();
      List<Double> nodes = new ArrayList<>();
      List<Double> reader = new ArrayList<>();
      List<Double> wall = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        long w0 = System.nanoTime();
        long c0 = cpuNanos(cluster.coordinator());
        long n0 = nodesCpu(cluster);
        long r0 = process.getProcessCpuTime();
        run(client, n, mode);
        wall.add((System.nanoTime() - w0) / 1e9);
        reader.add((process.getProcessCpuTime() - r0) / (double) n);
        coordinator.add((cpuNanos(cluster.coordinator()) - c0) / (double) n);
        nodes.add((nodesCpu(cluster) - n0) / (double) n);
      }
      System.out.printf(
          "%s, %,d inputs: CPU ns per result, median of %d jobs: coordinator %.0f, nodes %.0f,"
              + " client %.0f; wall %.3f s (min %.3f)%n",
          mode,
          n,
          jobs,
          median(coordinator),
          median(nodes),
          median(reader),
          median(wall),
          Collections.min(wall));
    }
  }

  /** JVM flags for the cluster's JVMs, space-separated in {@code cohort.probe.flags}. */
  private static List<String> flags() {
    String flags = System.getProperty("cohort.probe.flags", "").trim();
    return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
  }

  private static void run(CohortClient client, int n, String mode) {
    JobRequest request = JobRequest.range("echo", "0.." + n);
    if (mode.equals("each")) {
      request = request.withBatch(1).withOrdered(false);
    }
    JobStatus job = client.submit(request);
    long seen = 0;
    if (!mode.equals("frames")) {
      try (Stream<String> lines = client.resultLines(job.id())) {
        for (Iterator<String> it = lines.iterator(); it.hasNext(); it.next()) {
          seen++;
        }
      }
    } else {
      try (Stream<Result> results = client.results(job.id())) {
        for (Iterator<Result> it = results.iterator(); it.hasNext(); it.next()) {
          seen++;
        }
      }
    }
    if (seen != n) {
      throw new IllegalStateException("read " + seen + " results of " + n);
    }
  }

  private static long nodesCpu(LocalCluster cluster) throws IOException {
    long total = 0;
    for (JvmProcess node : cluster.nodes()) {
      total += cpuNanos(node);
    }
    return total;
  }

  /** User and system CPU of a child process so far, from /proc. */
  private static long cpuNanos(JvmProcess process) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
