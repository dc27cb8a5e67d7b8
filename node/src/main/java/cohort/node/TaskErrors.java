package cohort.node;

import cohort.api.TaskError;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Turns a task's exception into the {@link TaskError} the user sees. */
public final class TaskErrors {

  /** Lines of stack trace kept: enough to see where user code failed, not the whole thread. */
  private static final int MAX_TRACE_LINES = 40;

  private TaskErrors() {}

  /**
   * The error of a task that threw {@code failure} on its {@code attempt}th run on {@code node}.
   */
  public static TaskError of(Throwable failure, String node, int attempt) {
    return new TaskError(
        failure.getClass().getName(),
        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage(),
        node,
        attempt,
        trace(failure));
  }

  /**
   * The stack trace as the user needs it: the task's own frames and causes, without the frames of
   * Cohort's slot machinery below the task, at most {@link #MAX_TRACE_LINES} lines.
   */
  static String trace(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    StringBuilder kept = new StringBuilder();
    int lines = 0;
    int dropped = 0;
    boolean inCohort = false;
    for (String line : text.toString().split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("Caused by:") || trimmed.startsWith("Suppressed:")) {
        inCohort = false;
      } else if (trimmed.startsWith("at " + BoundTask.class.getName() + ".")) {
        inCohort = true;
      }
      if (inCohort || trimmed.matches("\\.\\.\\. \\d+ more")) {
        continue;
      }
      if (lines < MAX_TRACE_LINES) {
        kept.append(line.stripTrailing()).append('\n');
        lines++;
      } else {
        dropped++;
      }
    }
    if (dropped > 0) {
      kept.append("\t... ").append(dropped).append(" more\n");
    }
    return kept.toString().stripTrailing();
  }

  /** The current stack of a thread, for an input stuck in it; null if the thread is gone. */
  static String stackOf(Thread thread) {
    if (thread == null) {
      return null;
    }
    StringBuilder text = new StringBuilder("thread ").append(thread.getName());
    StackTraceElement[] frames = thread.getStackTrace();
    for (int i = 0; i < Math.min(frames.length, MAX_TRACE_LINES); i++) {
      if (frames[i].getClassName().equals(BoundTask.class.getName())) {
        break;
      }
      text.append("\n\tat ").append(frames[i]);
    }
    return text.toString();
  }
}
