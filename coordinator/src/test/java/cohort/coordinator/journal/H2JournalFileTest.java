package cohort.coordinator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal file rebuilt after a coordinator was killed, on the file a chaos run left: its
 * coordinator was killed while writing event 25 of job msk-2, and every later coordinator's write
 * of that event timed out, because H2 kept the uncommitted row locked in the file.
 */
class H2JournalFileTest {

  private static final String KILLED = "killed-journal.mv.db.gz";

  private static final String INSERT =
      "INSERT INTO PUBLIC.\"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\","
          + " \"write_timestamp\", \"adapter_manifest\", \"event_ser_id\", \"event_ser_manifest\","
          + " \"event_payload\") VALUES (?, ?, 'test', 0, '', 1, 'test', X'00')";

  /**
   * Tests that the killed file holds job msk-2's event 25 locked, and that after a rebuild it holds
   * the same committed events and snapshots, byte for byte, takes event 25, and numbers new events
   * after the old ones; nothing of the rebuild is left beside it.
   */
  @Test
  void aRebuildKeepsEveryCommittedRowAndDropsTheKilledWrite(@TempDir Path dataDir)
      throws Exception {
    unpackKilled(dataDir);
    List<String> before = rows(dataDir);
    assertThat(before).hasSize(431);
    assertThatThrownBy(() -> insert(dataDir, "job|msk-2", 25))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Timeout trying to lock");

    H2JournalFile.Rebuilt rebuilt = H2JournalFile.rebuild(dataDir);

    assertThat(rebuilt.events()).isEqualTo(431);
    assertThat(rows(dataDir)).isEqualTo(before);
    assertThat(dataDir.resolve("journal").resolve("rebuild")).doesNotExist();
    long last = maxOrdering(dataDir);
    insert(dataDir, "job|msk-2", 25);
    assertThat(maxOrdering(dataDir)).isGreaterThan(last);
  }

  /**
   * Tests that the payloads of a file an older Cohort made as BLOBs become BINARY VARYING, every
   * row kept byte for byte, and that a second start changes nothing.
   */
  @Test
  void blobPayloadsBecomeBinaryVarying(@TempDir Path dataDir) throws Exception {
    unpackKilled(dataDir);
    H2JournalFile.rebuild(dataDir);
    List<String> before = rows(dataDir);
    assertThat(payloadTypes(dataDir)).containsOnly("BINARY LARGE OBJECT").hasSize(4);

    JournalSchema.ensureH2(JournalConfig.h2Url(dataDir), dataDir.toString());
    assertThat(payloadTypes(dataDir)).containsOnly("BINARY VARYING").hasSize(4);
    assertThat(rows(dataDir)).isEqualTo(before);
    JournalSchema.ensureH2(JournalConfig.h2Url(dataDir), dataDir.toString());
    assertThat(rows(dataDir)).isEqualTo(before);
  }

  private static List<String> payloadTypes(Path dataDir) throws SQLException {
    List<String> types = new ArrayList<>();
    try (Connection connection = open(dataDir);
        ResultSet column =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA ="
                        + " 'PUBLIC' AND COLUMN_NAME LIKE '%payload'")) {
      while (column.next()) {
        types.add(column.getString(1));
      }
    }
    return types;
  }

  /**
   * Tests that the coordinator's own journal, on the rebuilt file, replays job msk-2 and writes its
   * next event, which the killed file refused for good.
   */
  @Test
  void theJobsJournalGoesOnAfterARebuild(@TempDir Path dataDir) throws Exception {
    unpackKilled(dataDir);
    H2JournalFile.repairAfter(false, dataDir);
    ActorTestKit kit = JournalTestKit.start(dataDir, "rebuilt");
    try {
      PekkoJournal journal = new PekkoJournal(kit.system());
      JobRecordState state = journal.state("msk-2").toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(state.known()).isTrue();
      journal
          .record("msk-2", new JobRecordEvent.ResultsSynced(state.results() + 1, state.bytes() + 2))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      assertThat(journal.state("msk-2").toCompletableFuture().get(30, TimeUnit.SECONDS).results())
          .isEqualTo(state.results() + 1);
    } finally {
      kit.shutdownTestKit();
    }
  }

  /**
   * Tests that after a clean stop nothing is rebuilt (the killed write stays locked, proving the
   * file was not touched), and that a rebuild cut short earlier is cleared by the next one.
   */
  @Test
  void aCleanStopRebuildsNothingAndALeftoverRebuildIsCleared(@TempDir Path dataDir)
      throws Exception {
    unpackKilled(dataDir);
    H2JournalFile.repairAfter(true, dataDir);
    assertThatThrownBy(() -> insert(dataDir, "job|msk-2", 25)).isInstanceOf(SQLException.class);

    Path leftover = dataDir.resolve("journal").resolve("rebuild");
    Files.createDirectories(leftover);
    Files.writeString(leftover.resolve("cohort.mv.db"), "half a file");
    H2JournalFile.repairAfter(false, dataDir);
    assertThat(leftover).doesNotExist();
    insert(dataDir, "job|msk-2", 25);
  }

  /** Tests that a data folder without a journal is left as it is. */
  @Test
  void aFolderWithoutAJournalIsLeftAlone(@TempDir Path dataDir) throws Exception {
    H2JournalFile.repairAfter(false, dataDir);
    H2JournalFile.close(dataDir);
    try (var files = Files.list(dataDir)) {
      assertThat(files).isEmpty();
    }
  }

  private static void unpackKilled(Path dataDir) throws IOException {
    Path file = H2JournalFile.file(dataDir);
    Files.createDirectories(file.getParent());
    try (InputStream in =
        new GZIPInputStream(H2JournalFileTest.class.getResourceAsStream(KILLED))) {
      Files.copy(in, file);
    }
  }

  /** Every committed event and snapshot, as text with a digest of the payload. */
  private static List<String> rows(Path dataDir) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = open(dataDir);
        Statement statement = connection.createStatement()) {
      try (ResultSet row =
          statement.executeQuery(
              "SELECT \"ordering\", \"persistence_id\", \"sequence_number\", \"deleted\","
                  + " \"writer\", \"write_timestamp\", \"event_ser_manifest\", \"event_payload\""
                  + " FROM PUBLIC.\"event_journal\" ORDER BY \"ordering\"")) {
        while (row.next()) {
          rows.add(
              "event "
                  + row.getLong(1)
                  + " "
                  + row.getString(2)
                  + " "
                  + row.getLong(3)
                  + " "
                  + row.getBoolean(4)
                  + " "
                  + row.getString(5)
                  + " "
                  + row.getLong(6)
                  + " "
                  + row.getString(7)
                  + " "
                  + digest(row.getBytes(8)));
        }
      }
      try (ResultSet row =
          statement.executeQuery(
              "SELECT \"persistence_id\", \"sequence_number\", \"created\","
                  + " \"snapshot_payload\" FROM PUBLIC.\"snapshot\" ORDER BY 1, 2")) {
        while (row.next()) {
          rows.add(
              "snapshot "
                  + row.getString(1)
                  + " "
                  + row.getLong(2)
                  + " "
                  + row.getLong(3)
                  + " "
                  + digest(row.getBytes(4)));
        }
      }
    }
    return rows;
  }

  private static long maxOrdering(Path dataDir) throws SQLException {
    try (Connection connection = open(dataDir);
        ResultSet row =
            connection
                .createStatement()
                .executeQuery("SELECT MAX(\"ordering\") FROM PUBLIC.\"event_journal\"")) {
      row.next();
      return row.getLong(1);
    }
  }

  private static void insert(Path dataDir, String persistenceId, long sequenceNumber)
      throws SQLException {
    try (Connection connection = open(dataDir)) {
      connection.createStatement().execute("SET LOCK_TIMEOUT 300");
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setString(1, persistenceId);
        insert.setLong(2, sequenceNumber);
        insert.executeUpdate();
      }
    }
  }

  private static Connection open(Path dataDir) throws SQLException {
    return DriverManager.getConnection(JournalConfig.h2Url(dataDir), "sa", "");
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
