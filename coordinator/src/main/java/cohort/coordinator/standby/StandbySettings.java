package cohort.coordinator.standby;

import cohort.coordinator.journal.Postgres;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Optional;

/**
 * How coordinators that share a journal take turns, read once from the {@code cohort.coordinator}
 * block and validated.
 *
 * @param database the shared PostgreSQL database
 * @param lease how long the active coordinator's lead lasts unless renewed
 */
public record StandbySettings(Postgres database, Duration lease) {

  /** The shortest lease: renewals then come every 50 ms, as often as a database round trip is. */
  static final Duration MIN_LEASE = Duration.ofMillis(300);

  /**
   * The settings, when the journal is a shared database; empty when it is the data folder's own.
   *
   * @throws IllegalArgumentException naming the bad key, its value and what to give
   */
  public static Optional<StandbySettings> fromConfig(Config config) {
    try {
      String url = config.getString("cohort.coordinator.journal").trim();
      if (url.isEmpty()) {
        return Optional.empty();
      }
      Duration lease = config.getDuration("cohort.coordinator.lease");
      if (lease.compareTo(MIN_LEASE) < 0) {
        throw new IllegalArgumentException(
            "cohort.coordinator.lease = "
                + lease
                + " is too short: use "
                + MIN_LEASE.toMillis()
                + "ms or more, such as 3s");
      }
      return Optional.of(
          new StandbySettings(
              new Postgres(
                  url,
                  config.getString("cohort.coordinator.journal-user").trim(),
                  config.getString("cohort.coordinator.journal-password")),
              lease));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** How often the active coordinator renews its lead, and a standby asks for it. */
  public Duration renewEvery() {
    return lease.dividedBy(6);
  }
}
