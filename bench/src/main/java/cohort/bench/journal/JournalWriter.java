package cohort.bench.journal;

import cohort.coordinator.journal.JournalConfig;
import cohort.coordinator.journal.JournalSchema;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The JVM {@link JournalKills} kills: writes the journal's table until it is killed, as the JDBC
 * plugin does for a coordinator's jobs (each writer its own connection; transactions of one to
 * three events of jobs old and new, most of them small, one in twenty of up to 20 kB; now and then
 * a job's first events deleted, and the jobs of four rounds ago, as retention does), and appends
 * each commit's rows to {@code committed.log} once the commit returned.
 */
public final class JournalWriter {

  static final String WRITING = "writing";
  static final String COMMITTED = "committed.log";

  /** The events of each job a retention delete may take. */
  static final long DELETED = 3;

  static final String INSERT =
      "INSERT INTO PUBLIC.\"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\","
          + " \"write_timestamp\", \"adapter_manifest\", \"event_ser_id\", \"event_ser_manifest\","
          + " \"event_payload\") VALUES (?, ?, 'kills', 0, '', 1, 'event', ?)";

  private static final String DELETE =
      "DELETE FROM PUBLIC.\"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\""
          + " <= "
          + DELETED;

  private JournalWriter() {}

  static void bind(PreparedStatement insert, String job, long sequence, byte[] payload)
      throws SQLException {
    insert.setString(1, job);
    insert.setLong(2, sequence);
    insert.setBytes(3, payload);
  }

  /** Arguments: the data folder, the round (names its new jobs), the writers. */
  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    String url = JournalConfig.h2Url(folder);
    JournalSchema.ensureH2(url, folder.toString());
    Map<String, AtomicLong> next = new ConcurrentHashMap<>();
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        ResultSet row =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT \"persistence_id\", MAX(\"sequence_number\") FROM"
                        + " PUBLIC.\"event_journal\" GROUP BY \"persistence_id\"")) {
      while (row.next()) {
        next.put(row.getString(1), new AtomicLong(row.getLong(2) + 1));
      }
    }
    // The jobs of four rounds ago are forgotten, as retention does: the file stays the size of a
    // coordinator's journal rather than grow with every round.
    int round = Integer.parseInt(args[1]);
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        PreparedStatement forget =
            connection.prepareStatement(
                "DELETE FROM PUBLIC.\"event_journal\" WHERE \"persistence_id\" LIKE ?")) {
      forget.setString(1, "job|r" + (round - 4) + "-%");
      forget.executeUpdate();
    }
    next.keySet().removeIf(job -> job.startsWith("job|r" + (round - 4) + "-"));
    List<String> jobs = new ArrayList<>(next.keySet());
    for (int i = 0; i < 8; i++) {
      jobs.add("job|r" + round + "-" + i);
    }
    FileOutputStream log = new FileOutputStream(folder.resolve(COMMITTED).toFile(), true);
    int writers = Integer.parseInt(args[2]);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Thread thread = new Thread(() -> write(url, jobs, next, log), "writer-" + w);
      thread.start();
      threads.add(thread);
    }
    System.out.println(WRITING);
    System.out.flush();
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static void write(
      String url, List<String> jobs, Map<String, AtomicLong> next, FileOutputStream log) {
    Random random = new Random();
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        PreparedStatement insert = connection.prepareStatement(INSERT);
        PreparedStatement delete = connection.prepareStatement(DELETE)) {
      connection.setAutoCommit(false);
      while (true) {
        StringBuilder rows = new StringBuilder();
        int events = 1 + random.nextInt(3);
        for (int e = 0; e < events; e++) {
          String job = jobs.get(random.nextInt(jobs.size()));
          long sequence = next.computeIfAbsent(job, j -> new AtomicLong(1)).getAndIncrement();
          byte[] payload = new byte[50 + random.nextInt(random.nextInt(20) == 0 ? 20_000 : 400)];
          random.nextBytes(payload);
          bind(insert, job, sequence, payload);
          insert.addBatch();
          rows.append(job).append(' ').append(sequence).append('\n');
        }
        insert.executeBatch();
        if (random.nextInt(10) == 0) {
          delete.setString(1, jobs.get(random.nextInt(jobs.size())));
          delete.executeUpdate();
        }
        connection.commit();
        synchronized (log) {
          log.write(rows.toString().getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (SQLException | IOException e) {
      // Two writers never take one sequence number: a failure is the journal's, and news.
      System.out.println("writer failed: " + e.getMessage());
      System.exit(3);
    }
  }

  static void deleteTree(Path root) throws IOException {
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
