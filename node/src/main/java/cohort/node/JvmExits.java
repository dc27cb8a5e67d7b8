package cohort.node;

import java.util.Map;
import java.util.Optional;

/**
 * Finds threads inside {@code Runtime.exit}: a task that called {@code System.exit}, or Pekko
 * shutting the JVM down after a fatal error. Uses nothing but the JDK, since it also runs while a
 * fatal error may keep classes from loading.
 */
public final class JvmExits {

  private JvmExits() {}

  /** Whether the thread is inside {@code Runtime.exit} now. */
  public static boolean isExiting(Thread thread) {
    return inExit(thread.getStackTrace());
  }

  /** The name of a live thread whose name starts with {@code prefix} and is inside the exit. */
  public static Optional<String> threadInExit(String prefix) {
    for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
      String name = entry.getKey().getName();
      if (name.startsWith(prefix) && inExit(entry.getValue())) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  private static boolean inExit(StackTraceElement[] frames) {
    for (StackTraceElement frame : frames) {
      if (frame.getClassName().equals("java.lang.Runtime")
          && frame.getMethodName().equals("exit")) {
        return true;
      }
    }
    return false;
  }
}
