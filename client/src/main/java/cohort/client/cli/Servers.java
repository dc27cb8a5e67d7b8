package cohort.client.cli;

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
  static <T> T await(CompletionStage<T> stage, Duration timeout, ActorSystem<?> system, String what) {
    try {
      return timeout == null
          ? stage.toCompletableFuture().get()
          : stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      system.terminate();
      throw new IllegalStateException("cannot start the " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      system.terminate();
      throw new IllegalStateException("the " + what + " did not start within " + timeout.toSeconds() + " s", e);
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
}
