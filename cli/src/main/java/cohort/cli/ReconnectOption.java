package cohort.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The {@code --reconnect-timeout D} option of an attached submit: how long it keeps trying to reach
 * a coordinator that went away, defaulting to {@code $COHORT_RECONNECT_TIMEOUT}, then to 5 minutes.
 */
final class ReconnectOption {

  /** The default: long enough for a coordinator to restart on its data folder. */
  static final Duration DEFAULT = Duration.ofMinutes(5);

  @Option(
      names = "--reconnect-timeout",
      paramLabel = "D",
      description =
          "When the coordinator goes away while the job runs, keep trying to reach it for this"
              + " long (such as 30s or 10m; 0 gives up at once), then go on printing results"
              + " where they stopped (default 5m, env COHORT_RECONNECT_TIMEOUT).")
  String text;

  /**
   * The timeout given, or the default.
   *
   * @param usage makes the error for a value that is not a time
   */
  Duration timeout(Function<String, RuntimeException> usage) {
    String value = text != null ? text : System.getenv("COHORT_RECONNECT_TIMEOUT");
    if (value == null || value.isBlank()) {
      return DEFAULT;
    }
    try {
      Duration timeout = ConfigFactory.parseMap(Map.of("t", value.strip())).getDuration("t");
      if (!timeout.isNegative()) {
        return timeout;
      }
    } catch (ConfigException e) {
      // said below
    }
    throw usage.apply(
        "--reconnect-timeout must be a time such as 30s or 10m (0 gives up at once); it was '"
            + value
            + "'");
  }
}
