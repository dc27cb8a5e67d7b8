package cohort.coordinator.jobs;

import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.Completed;
import cohort.coordinator.ClientRequests.GetJob;
import cohort.coordinator.ClientRequests.SubmitReply;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.CoordinatorProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Waits for one job on behalf of one HTTP request ({@code POST /jobs?wait=...}), like a blocking
 * {@code Pool.map}: it keeps the job's results as they are released, up to {@link
 * ClientRequests#MAX_INLINE_RESULTS}, and answers {@link Completed} once, when the job ends or the
 * wait runs out, then stops. A short-lived child of the coordinator, which sends it the job's
 * results ({@link Released}) and end ({@link Ended}).
 */
public final class JobWaiter extends AbstractBehavior<JobWaiter.Command> {

  /** What the waiter hears. */
  public sealed interface Command {}

  /** The job released these results, in delivery order. */
  public record Released(List<ResultBlock> blocks) implements Command {}

  /** The job ended. */
  public record Ended(JobState job) implements Command {}

  private enum WaitOver implements Command {
    INSTANCE
  }

  private record Current(Optional<JobState> job) implements Command {}

  private final String jobId;
  private final ActorRef<SubmitReply> replyTo;
  private final ActorRef<CoordinatorProtocol.Command> coordinator;
  private List<ResultBlock> kept = new ArrayList<>();
  private long keptCount;

  /**
   * @param wait how long to wait for the end before answering with the job as it is then
   * @param coordinator asked for the job when the wait runs out
   */
  public static Behavior<Command> create(
      String jobId,
      Duration wait,
      ActorRef<SubmitReply> replyTo,
      ActorRef<CoordinatorProtocol.Command> coordinator) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(WaitOver.INSTANCE, wait);
                  return new JobWaiter(context, jobId, replyTo, coordinator);
                }));
  }

  private JobWaiter(
      ActorContext<Command> context,
      String jobId,
      ActorRef<SubmitReply> replyTo,
      ActorRef<CoordinatorProtocol.Command> coordinator) {
    super(context);
    this.jobId = jobId;
    this.replyTo = replyTo;
    this.coordinator = coordinator;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Released.class, this::onReleased)
        .onMessage(Ended.class, this::onEnded)
        .onMessageEquals(WaitOver.INSTANCE, this::onWaitOver)
        .onMessage(Current.class, this::onCurrent)
        .build();
  }

  private Behavior<Command> onReleased(Released released) {
    if (kept != null) {
      for (ResultBlock block : released.blocks()) {
        keptCount += block.size();
      }
      if (keptCount > ClientRequests.MAX_INLINE_RESULTS) {
        kept = null; // too many to answer with: the client reads the result log
      } else {
        kept.addAll(released.blocks());
      }
    }
    return this;
  }

  private Behavior<Command> onEnded(Ended ended) {
    replyTo.tell(new Completed(ended.job(), kept));
    return Behaviors.stopped();
  }

  /** The wait ran out: answer with the job as it is now, and let the client read the rest. */
  @SuppressWarnings("unchecked") // the adapter's class cannot name Optional's type argument
  private Behavior<Command> onWaitOver() {
    Class<Optional<JobState>> answer = (Class<Optional<JobState>>) (Class<?>) Optional.class;
    ActorRef<Optional<JobState>> adapter = getContext().messageAdapter(answer, Current::new);
    coordinator.tell(new GetJob(jobId, adapter));
    return this;
  }

  private Behavior<Command> onCurrent(Current current) {
    current.job().ifPresent(job -> replyTo.tell(new Completed(job, null)));
    return Behaviors.stopped();
  }
}
