package cohort.bench.journal;

import cohort.coordinator.journal.H2JournalFile;
import cohort.coordinator.journal.JournalConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a {@code kill -9} leaves in the coordinator's H2 journal: {@code bench/run.sh
 * --journal-kills}. Each round starts a JVM that writes the journal's table as the JDBC plugin does
 * ({@link JournalWriter}: a few writers, small transactions, a log of what each commit returned),
 * kills it at a random moment, and checks the file: committed rows missing, and rows whose next
 * event cannot be written (a killed transaction's row left locked). It checks again after {@link
 * H2JournalFile#rebuild}, which a coordinator runs after such a stop, and goes on from the rebuilt
 * file.
 */
@Command(
    name = "bench/run.sh --journal-kills",
    mixinStandardHelpOptions = true,
    description = "Kills a JVM writing the H2 journal, again and again, and checks the file.")
public final class JournalKills implements Callable<Integer> {

  @Option(names = "--kills", description = "Rounds (default: ${DEFAULT-VALUE}).")
  int kills = 60;

  @Option(names = "--writers", description = "Writing threads (default: ${DEFAULT-VALUE}).")
  int writers = 3;

  @Option(
      names = "--dir",
      description = "The data folder (default: bench/target/journal-kills, emptied first).")
  Path dir;

  /**
   * What one check found: rows locked, committed rows lost, and whether a write hung (H2 spun for
   * good on a killed write's row of its own tables: measured once, on the identity's row).
   */
  record Found(int locked, int lost, boolean hung) {
    boolean clean() {
      return locked == 0 && lost == 0 && !hung;
    }

    @Override
    public String toString() {
      return hung ? "a write that hung" : locked + " locked and " + lost + " lost";
    }
  }

  /** How long a check may take before its write counts as hung. */
  private static final long CHECK_LIMIT_SECONDS = 60;

  @Override
  public Integer call() throws Exception {
    Path folder =
        dir != null
            ? dir
            : Path.of(System.getProperty("cohort.bench.root", "."), "bench/target/journal-kills");
    JournalWriter.deleteTree(folder);
    Files.createDirectories(folder);
    Path log = folder.resolve(JournalWriter.COMMITTED);
    Random random = new Random();
    int rawBad = 0;
    int rawLocked = 0;
    int rawLost = 0;
    int rebuiltBad = 0;
    int rebuiltLocked = 0;
    int rebuiltLost = 0;
    int rawHung = 0;
    int rebuiltHung = 0;
    List<Long> rebuildMillis = new ArrayList<>();
    for (int round = 1; round <= kills; round++) {
      long logged = Files.exists(log) ? Files.size(log) : 0;
      killWhileWriting(folder, round, 100 + random.nextInt(1800));
      Found raw = checkApart(folder, logged);
      H2JournalFile.Rebuilt rebuilt = H2JournalFile.rebuild(folder);
      rebuildMillis.add(rebuilt.millis());
      Found after = checkApart(folder, logged);
      if (!raw.clean()) {
        rawBad++;
      }
      rawLocked += raw.locked();
      rawLost += raw.lost();
      if (!after.clean()) {
        rebuiltBad++;
      }
      rebuiltLocked += after.locked();
      rebuiltLost += after.lost();
      rawHung += raw.hung() ? 1 : 0;
      rebuiltHung += after.hung() ? 1 : 0;
      System.out.printf(
          "kill %d: as left, %s; rebuilt (%d events, %d ms), %s%n",
          round, raw, rebuilt.events(), rebuilt.millis(), after);
    }
    rebuildMillis.sort(null);
    System.out.printf(
        "%d kills of a JVM with %d writers on the journal:%n"
            + "  as H2 left the file: %d kills left something wrong, %d rows locked, %d committed"
            + " rows lost, %d writes hung%n"
            + "  after the rebuild:   %d kills left something wrong, %d rows locked, %d committed"
            + " rows lost, %d writes hung (rebuild median %d ms, worst %d ms)%n",
        kills,
        writers,
        rawBad,
        rawLocked,
        rawLost,
        rawHung,
        rebuiltBad,
        rebuiltLocked,
        rebuiltLost,
        rebuiltHung,
        rebuildMillis.get(rebuildMillis.size() / 2),
        rebuildMillis.get(rebuildMillis.size() - 1));
    return rebuiltBad == 0 ? 0 : 1;
  }

  /**
   * {@link #check} in a JVM of its own, killed if it takes longer than {@link
   * #CHECK_LIMIT_SECONDS}: H2 can spin for good on a write, and only a kill stops it.
   */
  private static Found checkApart(Path folder, long from) throws IOException, InterruptedException {
    Process checker = java(JournalKills.class, "--check", folder.toString(), Long.toString(from));
    if (!checker.waitFor(CHECK_LIMIT_SECONDS, TimeUnit.SECONDS)) {
      checker.destroyForcibly().waitFor();
      return new Found(0, 0, true);
    }
    String out = new String(checker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String[] lines = out.strip().split("\n");
    String[] counts = lines[lines.length - 1].split(" ");
    if (checker.exitValue() != 0 || counts.length != 2) {
      throw new IllegalStateException("the check failed: " + out);
    }
    return new Found(Integer.parseInt(counts[0]), Integer.parseInt(counts[1]), false);
  }

  /**
   * Starts {@code main}'s main in a JVM of its own, on this one's class path, with {@code args}.
   */
  private static Process java(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Starts a writer, waits until it writes, lets it write {@code millis}, then kills it. */
  private void killWhileWriting(Path folder, int round, int millis)
      throws IOException, InterruptedException {
    Process writer =
        java(
            JournalWriter.class,
            folder.toString(),
            Integer.toString(round),
            Integer.toString(writers));
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      if (!JournalWriter.WRITING.equals(line)) {
        writer.destroyForcibly().waitFor();
        throw new IllegalStateException("the journal writer did not start: " + line);
      }
      Thread.sleep(millis);
      if (!writer.isAlive()) {
        throw new IllegalStateException("the journal writer stopped by itself: " + out.readLine());
      }
      writer.destroyForcibly();
      writer.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Counts the rows committed since byte {@code from} of the log that the file lacks (a row a
   * retention delete may have taken, the first three of each job, is not counted), and the jobs
   * whose next row cannot be written within 200 ms.
   */
  private static Found check(Path folder, Path log, long from) throws IOException, SQLException {
    try (Connection connection =
        DriverManager.getConnection(JournalConfig.h2Url(folder), "sa", "")) {
      connection.createStatement().execute("SET LOCK_TIMEOUT 200");
      Map<String, Long> last = new HashMap<>();
      Set<String> rows = new HashSet<>();
      try (ResultSet row =
          connection
              .createStatement()
              .executeQuery(
                  "SELECT \"persistence_id\", \"sequence_number\" FROM PUBLIC.\"event_journal\"")) {
        while (row.next()) {
          rows.add(row.getString(1) + " " + row.getLong(2));
          last.merge(row.getString(1), row.getLong(2), Math::max);
        }
      }
      int lost = 0;
      String written = Files.readString(log, StandardCharsets.UTF_8).substring((int) from);
      for (String key : written.split("\n")) {
        if (!key.isBlank()
            && Long.parseLong(key.substring(key.indexOf(' ') + 1)) > JournalWriter.DELETED
            && !rows.contains(key)) {
          lost++;
        }
      }
      int locked = 0;
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(JournalWriter.INSERT)) {
        for (Map.Entry<String, Long> job : last.entrySet()) {
          try {
            JournalWriter.bind(insert, job.getKey(), job.getValue() + 1, new byte[1]);
            insert.executeUpdate();
          } catch (SQLException e) {
            locked++;
          }
        }
      }
      connection.rollback();
      return new Found(locked, lost, false);
    }
  }

  /** {@code --check DIR FROM}: one check, printed as its counts; else the run. */
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--check")) {
      Path folder = Path.of(args[1]);
      Found found = check(folder, folder.resolve(JournalWriter.COMMITTED), Long.parseLong(args[2]));
      System.out.println(found.locked() + " " + found.lost());
      return;
    }
    System.exit(new CommandLine(new JournalKills()).execute(args));
  }
}
