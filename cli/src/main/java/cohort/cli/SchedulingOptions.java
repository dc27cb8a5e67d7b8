package cohort.cli;

import cohort.api.JobRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of {@code cohort submit} that say how the job shares the cluster: its priority, a cap
 * on its running inputs, named limits and rates. The coordinator checks the values; here they are
 * only split at '='.
 */
final class SchedulingOptions {

  @Option(
      names = "--priority",
      paramLabel = "N",
      description =
          "Higher runs first: free slots go to the highest priority, jobs of equal priority share"
              + " them (-1000 to 1000, default 0). A running input is never stopped for another.")
  Integer priority;

  @Option(
      names = "--max-running",
      paramLabel = "K",
      description = "At most K of this job's inputs run at once, across the whole cluster.")
  Integer maxRunning;

  @Option(
      names = "--limit",
      paramLabel = "NAME=K",
      description =
          "Share a named limit: all running inputs of all jobs naming NAME hold at most K slots"
              + " together, cluster-wide; NAME=1 is a cluster-wide lock. Repeatable.")
  List<String> limits = new ArrayList<>();

  @Option(
      names = "--rate",
      paramLabel = "[NAME=]N/UNIT",
      description =
          "Start at most N inputs per s, m or h across the cluster: 100/s for this job, or"
              + " api=100/s for a rate shared by every job naming api. Repeatable.")
  List<String> rates = new ArrayList<>();

  /**
   * The request with these options.
   *
   * @throws IllegalArgumentException saying which value is not NAME=K
   */
  JobRequest applyTo(JobRequest request) {
    Map<String, Integer> named = new LinkedHashMap<>();
    for (String limit : limits) {
      int eq = limit.indexOf('=');
      String count = eq < 0 ? "" : limit.substring(eq + 1).trim();
      if (eq <= 0 || !count.matches("\\d{1,9}")) {
        throw new IllegalArgumentException(
            "--limit "
                + limit
                + " is not NAME=K: give a name and the slots all jobs naming it may hold"
                + " together, such as --limit db=4 (or db=1 for a lock)");
      }
      named.merge(limit.substring(0, eq).trim(), Integer.parseInt(count), Math::min);
    }
    String own = null;
    Map<String, String> shared = new LinkedHashMap<>();
    for (String rate : rates) {
      int eq = rate.indexOf('=');
      if (eq < 0) {
        if (own != null) {
          throw new IllegalArgumentException(
              "--rate is given twice for the job ("
                  + own
                  + " and "
                  + rate
                  + "): give one, or name shared rates as NAME=N/UNIT");
        }
        own = rate;
      } else {
        shared.put(rate.substring(0, eq).trim(), rate.substring(eq + 1).trim());
      }
    }
    return request
        .withPriority(priority)
        .withMaxRunning(maxRunning)
        .withLimits(named.isEmpty() ? null : named)
        .withRate(own)
        .withRates(shared.isEmpty() ? null : shared);
  }
}
