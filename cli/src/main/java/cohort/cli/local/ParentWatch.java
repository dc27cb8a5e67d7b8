package cohort.cli.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches the process that supervises this JVM, such as {@code cohort local} for its coordinator
 * and nodes, and acts once it is gone, however it went: a supervisor killed with SIGKILL has no
 * chance to stop its children, which would otherwise run on, in sessions of their own, holding
 * their ports and CPU.
 *
 * <p>The supervisor is gone when its process has ended, or when this JVM, started by it, has been
 * given to another parent: that happens as the supervisor dies, even before its own parent reaps
 * it. A pid used again by a new process does not count as the supervisor: the JDK compares the
 * start times.
 */
public final class ParentWatch implements AutoCloseable {

  /** How often the supervisor is looked at; a check costs a read of two small /proc files. */
  public static final Duration CHECK_EVERY = Duration.ofMillis(250);

  private final long pid;
  private final Optional<ProcessHandle> parent;
  private final boolean startedUs;
  private final ScheduledExecutorService checks;
  private final AtomicBoolean fired = new AtomicBoolean();

  private ParentWatch(long pid, Runnable whenGone) {
    this.pid = pid;
    this.parent = ProcessHandle.of(pid);
    this.startedUs = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == pid;
    this.checks =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "parent-watch");
              thread.setDaemon(true);
              return thread;
            });
    checks.scheduleWithFixedDelay(
        () -> {
          if (gone() && fired.compareAndSet(false, true)) {
            checks.shutdown();
            whenGone.run();
          }
        },
        0,
        CHECK_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Starts watching process {@code pid}; {@code whenGone} runs once, on the watch's own thread, as
   * soon as the process is found gone (at once if it is gone already).
   */
  public static ParentWatch start(long pid, Runnable whenGone) {
    return new ParentWatch(pid, whenGone);
  }

  /** The process watched. */
  public long pid() {
    return pid;
  }

  /** Whether the watched process is gone, as seen now. */
  public boolean gone() {
    if (parent.isEmpty() || !parent.get().isAlive()) {
      return true;
    }
    // Ended but not yet reaped still looks alive; this JVM has a new parent by then.
    return startedUs && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != pid;
  }

  /** Stops watching. */
  @Override
  public void close() {
    checks.shutdownNow();
  }
}
