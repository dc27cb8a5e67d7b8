package cohort.cli.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Where the system tests find the built jar and their own classes, and where children log. */
final class Children {

  private Children() {}

  /** The class path of child JVMs: the shaded jar, plus the test tasks. */
  static String classPath() {
    return require("cohort.jar") + java.io.File.pathSeparator + require("cohort.test.classes");
  }

  /** The shaded jar the build made, {@code cli/target/cohort.jar}. */
  static Path jar() {
    return Path.of(require("cohort.jar")).toAbsolutePath();
  }

  /** The checkout: where {@code bin/cohort} is. */
  static Path root() {
    return jar().getParent().getParent().getParent();
  }

  /** Kills a process and everything it started, for a test's clean-up. */
  static void kill(ProcessHandle process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /**
   * Whether a process has ended: gone, or a zombie that nobody has reaped yet (a child of a killed
   * process, given to an init that may be slow to reap it, has ended all the same).
   */
  static boolean ended(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // pid (command) STATE ...: the command may hold spaces and parentheses, the state follows
      // the last ')'.
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return !process.isAlive();
    }
  }

  /** A fresh folder for the logs of one test class's children. */
  static Path logDir(Class<?> test) {
    Path dir = Path.of(require("cohort.it.logs"), test.getSimpleName());
    try {
      Files.createDirectories(dir);
      // What an earlier run left, folders (screenshots) included, deepest first.
      try (var old = Files.walk(dir)) {
        for (Path file :
            old.filter(p -> !p.equals(dir)).sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + dir + ": " + e.getMessage(), e);
    }
    return dir;
  }

  /**
   * A fresh data folder for a coordinator whose logs go to {@code logs}, beside the log folders: no
   * test recovers another's jobs.
   */
  static Path dataDir(Path logs) {
    try {
      Path data = Files.createDirectories(logs.getParent().resolve("it-data"));
      return Files.createTempDirectory(data, logs.getFileName() + "-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a data folder: " + e.getMessage(), e);
    }
  }

  /** Prints the last lines of every log in the folder, for a failed test. */
  static void printLogs(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        System.err.println("----- " + file + " (last 150 of " + lines.size() + " lines) -----");
        lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(System.err::println);
      }
    } catch (IOException e) {
      System.err.println("cannot read the children's logs in " + dir + ": " + e.getMessage());
    }
  }

  private static String require(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + property + " is not set; run the system tests with mvn verify");
    }
    return value;
  }
}
