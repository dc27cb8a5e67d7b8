package cohort.coordinator.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The settings that point the journal at a data folder. The rest of the plugins' settings are in
 * {@code conf/coordinator.conf}; nothing opens the database unless these are applied.
 */
public final class JournalConfig {

  /** The shared database every journal plugin uses, as {@code conf/coordinator.conf} names it. */
  static final String DATABASE = "pekko-persistence-jdbc.shared-databases.cohort.db";

  /**
   * H2's page cache, in KiB. Its default of 16 MiB is half of the smallest heap a coordinator runs
   * a ten-million-input job in (case 7); the journal's working set is the last events of the
   * running jobs, and it is read back only at a start.
   */
  static final int CACHE_KIB = 1024;

  private JournalConfig() {}

  /**
   * The JDBC URL of the H2 journal in {@code dataDir}. H2 writes each commit to the file at once
   * ({@code WRITE_DELAY=0}: its default delay lost acknowledged events on {@code kill -9}), and
   * leaves closing to the actor system ({@code DB_CLOSE_ON_EXIT=FALSE}: its own shutdown hook
   * closed the database under a coordinator draining on SIGTERM).
   */
  public static String h2Url(Path dataDir) {
    return h2FileUrl(dataDir.resolve("journal").resolve("cohort"));
  }

  /** As {@link #h2Url}, for the H2 database whose files start with {@code base}. */
  static String h2FileUrl(Path base) {
    return "jdbc:h2:file:"
        + base.toAbsolutePath()
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE="
        + CACHE_KIB;
  }

  /**
   * Settings that open the journal in a shared PostgreSQL database when the actor system starts:
   * Slick's PostgreSQL dialect and driver over {@link #at}'s.
   */
  public static Config at(Postgres postgres) {
    Map<String, Object> settings = new java.util.HashMap<>();
    settings.put("pekko-persistence-jdbc.shared-databases.cohort.profile", PROFILE_POSTGRES);
    settings.put(DATABASE + ".driver", "org.postgresql.Driver");
    settings.put(DATABASE + ".user", postgres.user());
    settings.put(DATABASE + ".password", postgres.password());
    return ConfigFactory.parseMap(settings).withFallback(at(postgres.url()));
  }

  private static final String PROFILE_POSTGRES = "slick.jdbc.PostgresProfile$";

  /** Settings that open the journal at {@code url} when the actor system starts. */
  public static Config at(String url) {
    return ConfigFactory.parseMap(
        Map.of(
            DATABASE + ".url",
            url,
            "pekko.persistence.journal.auto-start-journals",
            List.of("jdbc-journal"),
            "pekko.persistence.snapshot-store.auto-start-snapshot-stores",
            List.of("jdbc-snapshot-store")));
  }
}
