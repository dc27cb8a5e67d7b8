package cohort.bench.cases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time of this JVM's finished children, as Linux counts it: the user and system time of
 * every child process this JVM has reaped, and of what those children reaped in turn, so a launcher
 * script's JVM and a Python pool's workers count too. Read before and after a run.
 */
final class ChildCpu {

  /** Linux reports these times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
  private static final long MILLIS_PER_TICK = 10;

  private ChildCpu() {}

  /** Milliseconds of CPU used by the children reaped so far. */
  static long reapedMillis() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // cutime and cstime are the 16th and 17th fields of the line, the 14th and 15th here.
      return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * MILLIS_PER_TICK;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/stat: " + e.getMessage(), e);
    }
  }
}
