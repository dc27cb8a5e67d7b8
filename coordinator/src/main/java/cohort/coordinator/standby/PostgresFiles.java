package cohort.coordinator.standby;

import cohort.coordinator.journal.FileReplica;
import cohort.coordinator.journal.Postgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The data folder's files kept in the shared PostgreSQL database, as chunks of bytes ({@code
 * cohort_file_chunk}: a file's path in the folder, where the chunk starts, its bytes), so that a
 * standby needs nothing but the database: when it takes over, it writes every kept file into its
 * own data folder ({@link #restore}) and recovers the jobs from there.
 *
 * <p>One connection, opened again after a failure; calls are serialized.
 */
public final class PostgresFiles implements FileReplica {

  /** The largest chunk one statement sends: a blob of 64 MiB goes in pieces. */
  static final int CHUNK = 4 * 1024 * 1024;

  /** What the replica keeps, under the data folder: result logs at its root, inputs, blobs. */
  private static final String[] KEPT = {"inputs", "blobs"};

  private static final String RESULTS_SUFFIX = ".ndjson";

  private static final String DROP_FROM =
      "DELETE FROM cohort_file_chunk WHERE path = ? AND start_at >= ?";
  private static final String TRIM =
      "UPDATE cohort_file_chunk SET bytes = substring(bytes FROM 1 FOR (? - start_at)::int)"
          + " WHERE path = ? AND start_at < ? AND start_at + length(bytes) > ?";
  private static final String INSERT =
      "INSERT INTO cohort_file_chunk (path, start_at, bytes) VALUES (?, ?, ?)";
  private static final String DELETE = "DELETE FROM cohort_file_chunk WHERE path = ?";
  private static final String DELETE_UNDER =
      "DELETE FROM cohort_file_chunk WHERE starts_with(path, ?)";
  private static final String ALL =
      "SELECT path, start_at, bytes FROM cohort_file_chunk ORDER BY path, start_at";

  private final Postgres database;
  private final Path dataDir;
  private Connection connection;

  /**
   * @param database the shared database, whose schema exists
   * @param dataDir this coordinator's data folder, which the kept paths are relative to
   */
  public PostgresFiles(Postgres database, Path dataDir) {
    this.database = database;
    this.dataDir = dataDir.toAbsolutePath();
  }

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public synchronized void write(Path file, long offset, byte[] bytes) throws IOException {
    String path = relative(file);
    transaction(
        connection -> {
          cutAt(connection, path, offset);
          insert(connection, path, offset, bytes, 0, bytes.length);
        },
        file);
  }

  @Override
  public synchronized void copy(Path file) throws IOException {
    String path = relative(file);
    try (InputStream in = Files.newInputStream(file)) {
      transaction(
          connection -> {
            cutAt(connection, path, 0);
            byte[] buffer = new byte[CHUNK];
            long at = 0;
            int read;
            while ((read = in.readNBytes(buffer, 0, CHUNK)) > 0) {
              insert(connection, path, at, buffer, 0, read);
              at += read;
            }
          },
          file);
    }
  }

  @Override
  public synchronized void cut(Path file, long length) throws IOException {
    String path = relative(file);
    transaction(connection -> cutAt(connection, path, length), file);
  }

  @Override
  public synchronized void delete(Path file) throws IOException {
    String path = relative(file);
    transaction(
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, path);
            delete.executeUpdate();
          }
        },
        file);
  }

  @Override
  public synchronized void deleteFolder(Path folder) throws IOException {
    String prefix = relative(folder) + "/";
    transaction(
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(DELETE_UNDER)) {
            delete.setString(1, prefix);
            delete.executeUpdate();
          }
        },
        folder);
  }

  /**
   * Makes the data folder hold exactly the files kept in the database: what this coordinator kept
   * there when it last led, or a folder it never used, gives way to what the coordinator that led
   * last kept. Run before the jobs are recovered from the folder.
   *
   * @return how many files were written
   */
  public synchronized int restore() throws IOException {
    clearKept();
    int files = 0;
    try {
      Connection connection = connection();
      connection.setAutoCommit(false);
      try (PreparedStatement all = connection.prepareStatement(ALL)) {
        all.setFetchSize(16);
        try (ResultSet rows = all.executeQuery()) {
          String current = null;
          OutputStream out = null;
          long expected = 0;
          try {
            while (rows.next()) {
              String path = rows.getString(1);
              long start = rows.getLong(2);
              if (!path.equals(current)) {
                if (out != null) {
                  out.close();
                }
                current = path;
                out = open(path);
                expected = 0;
                files++;
              }
              if (start != expected) {
                throw new IOException(
                    "the journal database keeps "
                        + path
                        + " with a gap at byte "
                        + expected
                        + "; restore the database from a backup");
              }
              byte[] bytes = rows.getBytes(3);
              out.write(bytes);
              expected += bytes.length;
            }
          } finally {
            if (out != null) {
              out.close();
            }
          }
        }
      } finally {
        connection.commit();
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      close();
      throw new IOException(
          "cannot read the files kept in the journal database "
              + database.shown()
              + ": "
              + e.getMessage(),
          e);
    }
    return files;
  }

  /** Closes the connection; the next call opens another. */
  public synchronized void close() {
    Postgres.close(connection);
    connection = null;
  }

  private OutputStream open(String path) throws IOException {
    Path file = dataDir.resolve(path).normalize();
    if (!file.startsWith(dataDir)) {
      throw new IOException("the journal database keeps a file outside the data folder: " + path);
    }
    Files.createDirectories(file.getParent());
    return new java.io.BufferedOutputStream(
        Files.newOutputStream(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE),
        1 << 16);
  }

  /** Deletes the result logs, job logs, inputs and blobs of the data folder. */
  private void clearKept() throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    try (var entries = Files.list(dataDir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        // Job logs are not copied: one left from an earlier life would not fit the results.
        boolean kept = name.endsWith(RESULTS_SUFFIX) || name.endsWith(".joblog");
        if (kept && Files.isRegularFile(entry)) {
          Files.delete(entry);
        }
      }
    }
    for (String folder : KEPT) {
      Path dir = dataDir.resolve(folder);
      if (Files.isDirectory(dir)) {
        try (var paths = Files.walk(dir)) {
          for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
    }
  }

  private String relative(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    if (!absolute.startsWith(dataDir)) {
      throw new IllegalArgumentException(file + " is not in the data folder " + dataDir);
    }
    return dataDir.relativize(absolute).toString().replace('\\', '/');
  }

  private static void cutAt(Connection connection, String path, long length) throws SQLException {
    try (PreparedStatement drop = connection.prepareStatement(DROP_FROM)) {
      drop.setString(1, path);
      drop.setLong(2, length);
      drop.executeUpdate();
    }
    if (length > 0) {
      try (PreparedStatement trim = connection.prepareStatement(TRIM)) {
        trim.setLong(1, length);
        trim.setString(2, path);
        trim.setLong(3, length);
        trim.setLong(4, length);
        trim.executeUpdate();
      }
    }
  }

  private static void insert(
      Connection connection, String path, long offset, byte[] bytes, int from, int length)
      throws SQLException {
    if (length == 0) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (int at = 0; at < length; at += CHUNK) {
        int size = Math.min(CHUNK, length - at);
        insert.setString(1, path);
        insert.setLong(2, offset + at);
        insert.setBytes(
            3,
            from + at == 0 && size == bytes.length
                ? bytes
                : java.util.Arrays.copyOfRange(bytes, from + at, from + at + size));
        insert.executeUpdate();
      }
    }
  }

  private interface Work {
    void on(Connection connection) throws SQLException, IOException;
  }

  private void transaction(Work work, Path file) throws IOException {
    try {
      Connection connection = connection();
      connection.setAutoCommit(false);
      try {
        work.on(connection);
        connection.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      close();
      throw new IOException(
          "cannot keep "
              + file
              + " in the journal database "
              + database.shown()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = database.connect(Duration.ofSeconds(30));
    }
    return connection;
  }
}
