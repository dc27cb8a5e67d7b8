package cohort.coordinator.standby;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.journal.JournalSchema;
import cohort.coordinator.journal.Postgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data folder's files kept in a real PostgreSQL server: written by one coordinator, restored
 * into another's folder exactly.
 */
class PostgresFilesTest {

  private static EmbeddedPostgres server;
  private static Postgres database;

  @TempDir Path leader;
  @TempDir Path standby;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgres.builder().start();
    database = new Postgres(server.getJdbcUrl("postgres", "postgres"), "", "");
    JournalSchema.ensurePostgres(database);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void empty() throws Exception {
    try (Connection connection = database.connect(Duration.ofSeconds(5));
        Statement run = connection.createStatement()) {
      run.execute("DELETE FROM cohort_file_chunk");
    }
  }

  private static byte[] text(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void appendsCutsAndOverwritesAsTheLeaderDid() throws Exception {
    PostgresFiles kept = new PostgresFiles(database, leader);
    Path log = leader.resolve("job-1.ndjson");
    kept.write(log, 0, text("first\n"));
    kept.write(log, 6, text("second\n"));
    kept.write(log, 13, text("third, never journaled\n"));
    // A restart cut the log to its journaled length inside the last chunk, then wrote on.
    kept.cut(log, 17);
    kept.write(log, 17, text("d\n"));
    Path stream = leader.resolve("inputs").resolve("job-2.stream");
    kept.write(stream, 0, text("abc"));
    kept.write(stream, 0, text("xyz"));

    Files.createDirectories(standby.resolve("blobs").resolve("old"));
    Files.writeString(standby.resolve("blobs").resolve("old").resolve("1"), "stale");
    Files.writeString(standby.resolve("old.ndjson"), "stale");
    Files.writeString(standby.resolve("FORMAT"), "kept");
    assertThat(new PostgresFiles(database, standby).restore()).isEqualTo(2);
    assertThat(Files.readString(standby.resolve("job-1.ndjson")))
        .isEqualTo("first\nsecond\nthird\n");
    assertThat(Files.readString(standby.resolve("inputs").resolve("job-2.stream")))
        .isEqualTo("xyz");
    // What the last leader did not keep is gone; what is not a job's file stays.
    assertThat(standby.resolve("old.ndjson")).doesNotExist();
    assertThat(standby.resolve("blobs").resolve("old")).doesNotExist();
    assertThat(standby.resolve("FORMAT")).hasContent("kept");
  }

  @Test
  void copiesLargeFilesInChunksAndForgetsWhatIsDeleted() throws Exception {
    PostgresFiles kept = new PostgresFiles(database, leader);
    byte[] large = new byte[PostgresFiles.CHUNK * 2 + 12345];
    new Random(42).nextBytes(large);
    Path blob = leader.resolve("blobs").resolve("job-3").resolve("1");
    Files.createDirectories(blob.getParent());
    Files.write(blob, large);
    kept.copy(blob);
    Path other = leader.resolve("blobs").resolve("job-3").resolve("2");
    Files.write(other, text("small"));
    kept.copy(other);
    Path gone = leader.resolve("inputs").resolve("job-4.cbor");
    kept.write(gone, 0, text("inputs"));
    kept.delete(gone);

    new PostgresFiles(database, standby).restore();
    assertThat(Files.readAllBytes(standby.resolve("blobs").resolve("job-3").resolve("1")))
        .isEqualTo(large);
    assertThat(standby.resolve("blobs").resolve("job-3").resolve("2")).hasContent("small");
    assertThat(standby.resolve("inputs").resolve("job-4.cbor")).doesNotExist();

    kept.deleteFolder(leader.resolve("blobs").resolve("job-3"));
    assertThat(new PostgresFiles(database, standby).restore()).isZero();
    assertThat(standby.resolve("blobs").resolve("job-3")).doesNotExist();
  }
}
