package cohort.bench.peers.hazelcast;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the peer's two cases by hand and prints their figures:
 *
 * <pre>
 * java -cp CLASSPATH cohort.bench.peers.hazelcast.HazelcastProbe
 *     [--mode CLIENT|MEMBER] [--members 2] [--executor-pool-size 0] [--logs DIR]
 * </pre>
 *
 * <p>Case 2 is 100,000 echo tasks with 1,000 in flight, as tasks per second; case 3 is 1,000 echo
 * tasks one at a time, as p50, p99 and mean latency. Each is run three times after a warm-up. The
 * member JVMs get this JVM's class path.
 */
public final class HazelcastProbe {

  private static final int TASKS = 100_000;
  private static final int IN_FLIGHT = 1_000;
  private static final int CALLS = 1_000;
  private static final int WARM_UP_TASKS = 200_000;
  private static final int REPEATS = 3;

  private HazelcastProbe() {}

  /**
   * Starts the peer, runs both cases three times, prints the figures and stops the peer.
   *
   * @param args the options described on the class
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    HazelcastPeer.Mode mode = HazelcastPeer.Mode.valueOf(options.getOrDefault("--mode", "CLIENT"));
    int members = Integer.parseInt(options.getOrDefault("--members", "2"));
    int poolSize = Integer.parseInt(options.getOrDefault("--executor-pool-size", "0"));
    Path logs =
        options.containsKey("--logs")
            ? Path.of(options.get("--logs"))
            : Files.createTempDirectory("hazelcast-probe");

    long started = System.nanoTime();
    try (HazelcastPeer peer =
        HazelcastPeer.start(System.getProperty("java.class.path"), logs, members, mode, poolSize)) {
      System.out.printf(
          "Hazelcast %s, %d members, %s mode, executor pool %s; started in %.1f s; logs in %s%n",
          peer.version(),
          members,
          mode,
          poolSize == 0 ? "default" : String.valueOf(poolSize),
          (System.nanoTime() - started) / 1e9,
          logs);
      peer.warmUp(WARM_UP_TASKS);
      for (int i = 0; i < REPEATS; i++) {
        System.out.printf(
            "case 2: %,d tasks, %,d in flight: %,.0f tasks/s%n",
            TASKS, IN_FLIGHT, peer.tasksPerSecond(TASKS, IN_FLIGHT));
      }
      for (int i = 0; i < REPEATS; i++) {
        long[] nanos = peer.roundTripNanos(CALLS);
        System.out.printf(
            "case 3: %,d round trips: p50 %.0f us, p99 %.0f us, mean %.0f us%n",
            CALLS,
            percentile(nanos, 50) / 1e3,
            percentile(nanos, 99) / 1e3,
            Arrays.stream(nanos).average().orElse(0) / 1e3);
      }
    }
  }

  /** The nearest-rank percentile of {@code values}. */
  private static long percentile(long[] values, double percent) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percent / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
