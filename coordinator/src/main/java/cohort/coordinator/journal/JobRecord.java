package cohort.coordinator.journal;

import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One job's journal: an event-sourced actor whose state is the {@link JobRecordState} its events
 * make. It journals what it is told to ({@link Record}) once {@link JobRecordState#refusal} allows
 * it, and answers when the event is written; after a restart it replays them, from its latest
 * snapshot on, so recovery does not grow with the job's history.
 */
public final class JobRecord
    extends EventSourcedBehavior<JobRecord.Command, JobRecordEvent, JobRecordState> {

  /** What the coordinator asks of a job's journal; never crosses JVMs. */
  public sealed interface Command {}

  /** Journal {@code event}; the reply comes once it is written, or says why it was not. */
  public record Record(JobRecordEvent event, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** What the journal holds for the job, once replayed. */
  public record Get(ActorRef<JobRecordState> replyTo) implements Command {}

  /** Stop: the job is forgotten, or the coordinator stops. */
  public enum Stop implements Command {
    INSTANCE
  }

  /** The entity type of every job's persistence id: {@code job|ID}. */
  static final String ENTITY = "job";

  /** Events between snapshots; the two latest snapshots are kept, older events deleted. */
  static final int SNAPSHOT_EVERY = 200;

  /**
   * Commands held while an event is written. The coordinator has at most a few in flight per job;
   * more would mean a bug, and overflowing fails the actor (conf: stash-overflow-strategy) rather
   * than dropping an event silently, as Pekko's default would.
   */
  static final int STASH = 256;

  /** The persistence id of job {@code jobId}. */
  public static PersistenceId persistenceId(String jobId) {
    return PersistenceId.of(ENTITY, jobId);
  }

  /** The job id a persistence id names, if it is a job's. */
  public static Optional<String> jobId(String persistenceId) {
    String prefix = ENTITY + PersistenceId.DefaultSeparator();
    return persistenceId.startsWith(prefix) && persistenceId.length() > prefix.length()
        ? Optional.of(persistenceId.substring(prefix.length()))
        : Optional.empty();
  }

  /** The journal of job {@code jobId}; it replays what is journaled before it answers. */
  public static Behavior<Command> create(String jobId) {
    return new JobRecord(persistenceId(jobId));
  }

  /** The entity type of the journal a coordinator writes once at start, to warm its write path. */
  static final String WARM_UP = "warm-up";

  /** A journal outside every job's, for {@link PekkoJournal#warmUp}: start-up never lists it. */
  static Behavior<Command> warmUp(String id) {
    return new JobRecord(PersistenceId.of(WARM_UP, id));
  }

  private JobRecord(PersistenceId id) {
    super(
        id,
        Optional.of(
            SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)));
  }

  @Override
  public JobRecordState emptyState() {
    return JobRecordState.EMPTY;
  }

  @Override
  public CommandHandler<Command, JobRecordEvent, JobRecordState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Record.class, this::onRecord)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .onCommand(Stop.class, (state, stop) -> Effect().stop())
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<JobRecordEvent, JobRecordState>
      onRecord(JobRecordState state, Record record) {
    Optional<String> refusal = state.refusal(record.event());
    if (refusal.isPresent()) {
      return Effect().reply(record.replyTo(), StatusReply.error(refusal.get()));
    }
    return Effect().persist(record.event()).thenReply(record.replyTo(), s -> StatusReply.ack());
  }

  @Override
  public EventHandler<JobRecordState, JobRecordEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(JobRecordState::apply);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public Optional<Integer> stashCapacity() {
    return Optional.of(STASH);
  }
}
