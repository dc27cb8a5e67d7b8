package cohort.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark harness: {@code bench/run.sh [--quick] [CASE...]}. Starts real Cohort clusters on
 * loopback and prints figures.
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    String classPath = System.getProperty("java.class.path");
    Path logs = Path.of(System.getProperty("cohort.bench.logs", "bench/target/logs"));
    Files.createDirectories(logs);
    List<RecoveryBench.Run> runs = RecoveryBench.run(classPath, logs, quick ? 1 : 5, quick ? 120 : 600);
    RecoveryBench.report(runs);
  }
}
