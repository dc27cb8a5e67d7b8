package cohort.coordinator.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's H2 file in a data folder, outside the actor system: closed at a clean stop, and
 * rebuilt from its committed rows when the coordinator that had it open did not close it.
 *
 * <p>Why rebuild: H2 (2.5.252) does not always roll back, when it opens a file, a transaction that
 * was open when its JVM was killed. Measured in a chaos run: after a {@code kill -9} during a
 * journal write, the uncommitted row stayed in the file, invisible to reads but holding its key
 * locked, so every later coordinator's write of that job's next event timed out ("Timeout trying to
 * lock table") and the job's journal was stuck for good. A copy of the file's committed rows into a
 * new file ({@code SCRIPT}, then {@code RUNSCRIPT}) leaves such rows behind.
 */
public final class H2JournalFile {

  private static final Logger LOG = LoggerFactory.getLogger(H2JournalFile.class);

  private static final String FOLDER = "journal";
  private static final String NAME = "cohort";
  private static final String SUFFIX = ".mv.db";
  private static final String REBUILD = "rebuild";

  private H2JournalFile() {}

  /** What a rebuild kept, and how long it took. */
  public record Rebuilt(long events, long millis) {}

  /** The H2 file of the journal in {@code dataDir}. */
  static Path file(Path dataDir) {
    return dataDir.resolve(FOLDER).resolve(NAME + SUFFIX);
  }

  /**
   * Rebuilds the journal of {@code dataDir} unless the coordinator that last had it open stopped
   * cleanly (or there is none yet), and says so in one line.
   */
  public static void repairAfter(boolean cleanStop, Path dataDir) {
    if (cleanStop || !exists(dataDir)) {
      return;
    }
    Rebuilt rebuilt = rebuild(dataDir);
    LOG.info(
        "the journal in {} was left open by a coordinator that did not stop cleanly; rebuilt it"
            + " from its {} committed events in {} ms",
        file(dataDir).getParent(),
        rebuilt.events(),
        rebuilt.millis());
  }

  /** Whether {@code dataDir} holds a journal file. */
  public static boolean exists(Path dataDir) {
    return Files.isRegularFile(file(dataDir));
  }

  /**
   * Replaces the journal file of {@code dataDir} by a copy of its committed rows. Safe to stop at
   * any point: the file is replaced in one rename, after the copy is complete and closed; what an
   * earlier, interrupted rebuild left is removed first.
   *
   * @throws IllegalStateException saying what failed and what to do, the file left as it was
   */
  public static Rebuilt rebuild(Path dataDir) {
    long start = System.nanoTime();
    Path folder = dataDir.resolve(FOLDER);
    Path work = folder.resolve(REBUILD);
    Path dump = work.resolve("committed.sql.gz");
    try {
      deleteTree(work);
      Files.createDirectories(work);
      String url = JournalConfig.h2Url(dataDir);
      try (Connection connection = DriverManager.getConnection(url + ";IFEXISTS=TRUE", "sa", "");
          Statement statement = connection.createStatement()) {
        statement.execute("SCRIPT TO " + literal(dump) + " COMPRESSION GZIP");
      }
      long events;
      try (Connection connection =
              DriverManager.getConnection(JournalConfig.h2FileUrl(work.resolve(NAME)), "sa", "");
          Statement statement = connection.createStatement()) {
        statement.execute("RUNSCRIPT FROM " + literal(dump) + " COMPRESSION GZIP");
        events = count(statement);
        statement.execute("SHUTDOWN");
      }
      Files.move(
          work.resolve(NAME + SUFFIX),
          file(dataDir),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      deleteTree(work);
      return new Rebuilt(events, (System.nanoTime() - start) / 1_000_000);
    } catch (SQLException e) {
      throw new IllegalStateException(
          JournalSchema.explain(e, dataDir.toString())
              + " (while rebuilding it after the coordinator that had it open was stopped"
              + " without closing it)",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot rebuild the journal in "
              + folder
              + " after an unclean stop: "
              + e.getMessage()
              + "; check the folder's free space and permissions",
          e);
    }
  }

  /**
   * Closes the journal of {@code dataDir} if this JVM has it open, so that the next coordinator
   * finds it closed; without it, a JVM that ends leaves it as a killed one would.
   *
   * @throws IllegalStateException when it cannot be closed
   */
  public static void close(Path dataDir) {
    if (!exists(dataDir)) {
      return;
    }
    try (Connection connection =
            DriverManager.getConnection(JournalConfig.h2Url(dataDir) + ";IFEXISTS=TRUE", "sa", "");
        Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    } catch (SQLException e) {
      throw new IllegalStateException(JournalSchema.explain(e, dataDir.toString()), e);
    }
  }

  private static long count(Statement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM PUBLIC.\"event_journal\"")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** {@code path} as an SQL string literal. */
  private static String literal(Path path) {
    return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
