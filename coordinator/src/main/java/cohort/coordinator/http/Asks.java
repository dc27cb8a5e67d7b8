package cohort.coordinator.http;

import cohort.protocol.CoordinatorProtocol;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The HTTP layer's questions to the coordinator actor.
 *
 * @param timeout how long a request waits for the coordinator; a submission also waits for a node
 *     to check the task
 */
public record Asks(
    ActorRef<CoordinatorProtocol.Command> coordinator, ActorSystem<?> system, Duration timeout) {

  /** Asks and waits at most {@link #timeout}. */
  public <T> CompletionStage<T> ask(Function<ActorRef<T>, CoordinatorProtocol.Command> message) {
    return ask(message, timeout);
  }

  /** Asks and waits at most {@code wait}. */
  public <T> CompletionStage<T> ask(
      Function<ActorRef<T>, CoordinatorProtocol.Command> message, Duration wait) {
    return AskPattern.ask(coordinator, message::apply, wait, system.scheduler());
  }

  /**
   * Asks and waits as long as it takes: admission of streamed inputs waits for the cluster, however
   * slow it is.
   */
  <T> CompletionStage<T> askPatiently(Function<ActorRef<T>, CoordinatorProtocol.Command> message) {
    return ask(message, Duration.ofDays(1));
  }

  /** Tells the coordinator something that needs no answer. */
  public void tell(CoordinatorProtocol.Command message) {
    coordinator.tell(message);
  }
}
