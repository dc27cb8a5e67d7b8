package cohort.coordinator.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the journal's tables where they are missing, over plain JDBC before the actor system
 * opens the database: the JDBC plugin expects them and creates none. Safe to run at every start.
 */
public final class JournalSchema {

  private static final String H2_SCHEMA = "h2-schema.sql";

  /** H2's codes for a database another process holds, and for a damaged file. */
  private static final int H2_IN_USE = 90020;

  private static final int H2_CORRUPT = 90030;

  private JournalSchema() {}

  /**
   * Opens the H2 database {@code url} names, creating it and its tables when missing.
   *
   * @param where the folder the database lives in, as the user knows it, for errors
   * @throws IllegalStateException saying what is wrong and what to do: the folder is in use by
   *     another process, or the database is damaged or cannot be opened
   */
  public static void ensureH2(String url, String where) {
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        Statement statement = connection.createStatement()) {
      for (String sql : statements(H2_SCHEMA)) {
        statement.execute(sql);
      }
      for (String alter : blobsToConvert(statement)) {
        statement.execute(alter);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(explain(e, where), e);
    }
  }

  /**
   * The statements that turn the payload columns an older Cohort made as BLOBs into BINARY VARYING,
   * as {@code h2-schema.sql} explains; none once they are.
   */
  private static List<String> blobsToConvert(Statement statement) throws SQLException {
    List<String> alters = new ArrayList<>();
    try (java.sql.ResultSet column =
        statement.executeQuery(
            "SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA ="
                + " 'PUBLIC' AND TABLE_NAME IN ('event_journal', 'snapshot') AND DATA_TYPE ="
                + " 'BINARY LARGE OBJECT'")) {
      while (column.next()) {
        alters.add(
            "ALTER TABLE PUBLIC.\""
                + column.getString(1)
                + "\" ALTER COLUMN \""
                + column.getString(2)
                + "\" SET DATA TYPE BINARY VARYING");
      }
    }
    return alters;
  }

  /**
   * Creates the journal's tables and the lease in a shared PostgreSQL database where missing, under
   * a transaction-wide lock: coordinators that start together would otherwise race to create them.
   *
   * @throws IllegalStateException saying the database cannot be reached or used, and why
   */
  public static void ensurePostgres(Postgres postgres) {
    try (Connection connection = postgres.connect(java.time.Duration.ofSeconds(10));
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
      for (String sql : statements(POSTGRES_SCHEMA)) {
        statement.execute(sql);
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot use the journal database "
              + postgres.shown()
              + " ("
              + firstLine(e.getMessage())
              + "); check that PostgreSQL runs there and that --journal, COHORT_JOURNAL_USER and"
              + " COHORT_JOURNAL_PASSWORD are right",
          e);
    }
  }

  private static final String POSTGRES_SCHEMA = "postgres-schema.sql";

  /**
   * Any number, the same in every coordinator: the key of the lock around the schema's creation.
   */
  private static final long SCHEMA_LOCK = 0x436f686f7274L;

  static String explain(SQLException e, String where) {
    if (e.getErrorCode() == H2_IN_USE) {
      return "the journal in "
          + where
          + " is open in another process: another coordinator uses this data folder; stop it,"
          + " or give this coordinator a folder of its own with --data-dir";
    }
    if (e.getErrorCode() == H2_CORRUPT) {
      return "the journal in "
          + where
          + " is damaged ("
          + firstLine(e.getMessage())
          + "); move the folder away to start with no jobs, or restore it from a backup";
    }
    return "cannot open the journal in " + where + ": " + firstLine(e.getMessage());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  /** The statements of a schema file next to this class, comments left out. */
  static List<String> statements(String resource) {
    try (InputStream in = JournalSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the build lost the journal's schema " + resource);
      }
      StringBuilder text = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.strip().startsWith("--")) {
          text.append(line).append('\n');
        }
      }
      List<String> statements = new ArrayList<>();
      for (String sql : text.toString().split(";")) {
        if (!sql.isBlank()) {
          statements.add(sql.strip());
        }
      }
      return statements;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
