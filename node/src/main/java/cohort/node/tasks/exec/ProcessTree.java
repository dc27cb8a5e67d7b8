package cohort.node.tasks.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Stops a process and everything it started: SIGTERM to all, then SIGKILL to what is left. */
final class ProcessTree {

  private static final long POLL_MILLIS = 5;

  private ProcessTree() {}

  /** Terminates the tree and waits, briefly, until no member is alive. */
  static void kill(Process process, Duration grace) {
    List<ProcessHandle> tree = members(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    if (awaitGone(tree, grace)) {
      return;
    }
    // Children may have been started while the others were stopping.
    List<ProcessHandle> left = members(process.toHandle());
    left.addAll(tree);
    left.stream().filter(ProcessTree::running).forEach(ProcessHandle::destroyForcibly);
    awaitGone(left, Duration.ofSeconds(2));
  }

  /**
   * Whether a process still runs. A killed process whose parent died stays a zombie until its new
   * parent reaps it, which in some containers never happens; it no longer runs, though.
   */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    try {
      String text = Files.readString(stat);
      int close = text.lastIndexOf(')');
      char state = close > 0 && close + 2 < text.length() ? text.charAt(close + 2) : 'R';
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return Files.exists(Path.of("/proc")) ? false : process.isAlive();
    }
  }

  private static List<ProcessHandle> members(ProcessHandle root) {
    List<ProcessHandle> members = new ArrayList<>();
    root.descendants().forEach(members::add);
    members.add(root);
    return members;
  }

  /** Polls until every member has exited; false if some still run after {@code timeout}. */
  private static boolean awaitGone(List<ProcessHandle> members, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (members.stream().anyMatch(ProcessTree::running)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        // Already stopping on an interrupt: keep going until the tree is gone or time is up.
      }
    }
    return true;
  }
}
