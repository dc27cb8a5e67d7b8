package cohort.coordinator;

import cohort.coordinator.admission.JobLimits;
import cohort.coordinator.job.Batching;
import cohort.protocol.HostPort;
import cohort.protocol.cluster.MemberHost;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The coordinator's settings, read once from the {@code cohort} block and validated.
 *
 * @param host the interface the cluster and HTTP ports bind to, and the host nodes and clients
 *     reach them at
 * @param clusterPort the Pekko Cluster port nodes join
 * @param httpPort the HTTP API port; 0 picks a free one
 * @param dataDir where results are spooled and jobs journaled; empty for the default
 * @param retainedJobs finished jobs kept before the oldest are forgotten
 * @param checkTimeout how long a node may take to check a job's task
 * @param batching how batches are sized, and how many a node may hold
 * @param moveQueuedOver the least work a batch queued at a node must hold to move to an idle slot
 *     elsewhere; empty when queued batches never move
 * @param orderedWindow how far an ordered job may run ahead of its first missing result
 * @param syncInterval the shortest time between two syncs of a job's result log, when jobs are
 *     journaled
 * @param limits the most jobs and inputs per job the coordinator takes
 */
public record CoordinatorSettings(
    MemberHost host,
    int clusterPort,
    int httpPort,
    Optional<Path> dataDir,
    int retainedJobs,
    Duration checkTimeout,
    Batching batching,
    Optional<Duration> moveQueuedOver,
    long orderedWindow,
    Duration syncInterval,
    JobLimits limits) {

  /**
   * Reads and validates the settings.
   *
   * @throws IllegalArgumentException naming the bad key, its value and the accepted range
   */
  public static CoordinatorSettings fromConfig(Config config) {
    try {
      String dir = config.getString("cohort.coordinator.data-dir").trim();
      return new CoordinatorSettings(
          MemberHost.fromConfig(config),
          port(config, "cohort.coordinator.cluster-port"),
          port(config, "cohort.coordinator.http-port"),
          dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir)),
          atLeast(config, "cohort.coordinator.retained-jobs", 1),
          positive(config, "cohort.coordinator.check-timeout"),
          new Batching(
              positive(config, "cohort.dispatch.target-batch-time"),
              atLeast(config, "cohort.dispatch.max-batch", 1),
              atLeast(config, "cohort.dispatch.prefetch-per-slot", 0),
              atLeast(config, "cohort.dispatch.max-prefetch-per-slot", 0),
              config.getDuration("cohort.dispatch.queue-per-slot")),
          durationOrOff(config, "cohort.dispatch.move-queued-over"),
          atLeast(config, "cohort.dispatch.ordered-window", 1),
          positive(config, "cohort.coordinator.sync-interval"),
          new JobLimits(
              atLeast(config, "cohort.coordinator.max-active-jobs", 1),
              longAtLeast(config, "cohort.coordinator.max-inputs-per-job", 1),
              atLeast(config, "cohort.coordinator.max-running-jobs", 0)));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static int port(Config config, String key) {
    return HostPort.requirePort(config.getInt(key), key);
  }

  private static int atLeast(Config config, String key, int min) {
    int value = config.getInt(key);
    if (value < min) {
      throw new IllegalArgumentException(
          key + " = " + value + " is too small: use " + min + " or more");
    }
    return value;
  }

  private static long longAtLeast(Config config, String key, long min) {
    long value = config.getLong(key);
    if (value < min) {
      throw new IllegalArgumentException(
          key + " = " + value + " is too small: use " + min + " or more");
    }
    return value;
  }

  private static Optional<Duration> durationOrOff(Config config, String key) {
    if (config.getString(key).trim().equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    Duration value = config.getDuration(key);
    if (value.isNegative()) {
      throw new IllegalArgumentException(
          key + " = " + value + ": use 0, a positive duration such as 50ms, or off");
    }
    return Optional.of(value);
  }

  private static Duration positive(Config config, String key) {
    Duration value = config.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          key + " = " + value + ": use a positive duration such as 5s");
    }
    return value;
  }
}
