package cohort.cli;

import cohort.node.JvmExits;
import cohort.node.NodeApp;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/** Waiting helpers shared by the commands that run a server in this JVM. */
final class Servers {

  private Servers() {}

  /**
   * Waits for a start-up step; on failure stops the actor system and throws with the reason.
   *
   * @param timeout how long to wait, or null to wait as long as it takes
   */
  static <T> T await(
      CompletionStage<T> stage, Duration timeout, ActorSystem<?> system, String what) {
    try {
      return timeout == null
          ? stage.toCompletableFuture().get()
          : stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      system.terminate();
      throw new IllegalStateException(
          "cannot start the " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      system.terminate();
      throw new IllegalStateException(
          "the " + what + " did not start within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
      throw new IllegalStateException("interrupted while starting the " + what, e);
    }
  }

  /** Blocks until the actor system has terminated. */
  static void awaitTermination(ActorSystem<?> system) {
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /**
   * Makes a stop by SIGTERM or Ctrl-C end the JVM with exit code 0 once the server has shut down
   * cleanly; the JVM would otherwise report the signal (143 or 130). When a task brought the JVM
   * down with {@code System.exit}, its exit code stands. When Pekko met a fatal error (it calls
   * {@code System.exit} from its own thread), the JVM ends at once with {@link
   * CohortCommand#FATAL}: nothing can stop cleanly then, and the cluster should see the member gone
   * without delay.
   *
   * @param system the actor system to wait for, looked up when the JVM stops
   * @param limit how long to wait for it before leaving the exit code as it is
   */
  static void exitZeroAfterCleanStop(
      java.util.function.Supplier<ActorSystem<?>> system, Duration limit) {
    // Loaded now: after a fatal error the hook may not be able to load classes from the jar.
    JvmExits.threadInExit(NodeApp.SLOT_THREAD_PREFIX);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  ActorSystem<?> current = system.get();
                  if (current == null) {
                    return;
                  }
                  String fatal = JvmExits.threadInExit("cohort-pekko.").orElse(null);
                  if (fatal != null) {
                    // Pekko met an error it does not survive and called System.exit from that
                    // thread; the clean stop would wait for the threads now stuck behind it.
                    System.err.println(
                        "cohort: a fatal error in thread "
                            + fatal
                            + " (logged above) stops this JVM now");
                    Runtime.getRuntime().halt(CohortCommand.FATAL);
                  }
                  try {
                    current
                        .getWhenTerminated()
                        .toCompletableFuture()
                        .get(limit.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException | ExecutionException | TimeoutException e) {
                    return;
                  }
                  // A task that called System.exit chose the exit code.
                  if (JvmExits.threadInExit(NodeApp.SLOT_THREAD_PREFIX).isEmpty()) {
                    Runtime.getRuntime().halt(CohortCommand.OK);
                  }
                },
                "exit-after-clean-stop"));
  }
}
