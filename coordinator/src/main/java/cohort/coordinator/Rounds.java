package cohort.coordinator;

import cohort.coordinator.dispatch.Dispatcher;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.dispatch.Outbox;
import cohort.coordinator.jobs.JobRegistry;
import cohort.protocol.CoordinatorProtocol;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Rounds of dispatch as the coordinator runs them: the {@link Dispatcher}'s round, the batches it
 * put in the {@link Outbox} sent, and a timer for the round that a job held back by its rate waits
 * for. Used by the coordinator's actor only.
 */
final class Rounds {

  /** Time for a round: a job held back by its rate has a token again. */
  enum RateTick implements CoordinatorProtocol.Command {
    INSTANCE
  }

  private final Dispatcher dispatcher;
  private final Outbox outbox = new Outbox();
  private final TimerScheduler<CoordinatorProtocol.Command> timers;
  private final Clock clock;

  Rounds(Dispatcher dispatcher, TimerScheduler<CoordinatorProtocol.Command> timers, Clock clock) {
    this.dispatcher = dispatcher;
    this.timers = timers;
    this.clock = clock;
  }

  /** Sends what can be sent now; returns the node table with the batches sent taken. */
  NodeTable run(NodeTable nodes, JobRegistry jobs) {
    NodeTable after = dispatcher.round(nodes, jobs, outbox, clock.instant());
    outbox.flush();
    dispatcher
        .wakeAt()
        .ifPresent(
            at ->
                timers.startSingleTimer(
                    RateTick.INSTANCE,
                    Duration.ofMillis(
                        Math.max(1, Duration.between(clock.instant(), at).toMillis() + 1))));
    return after;
  }
}
