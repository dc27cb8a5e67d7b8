package cohort.coordinator.journal;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The journal on Pekko Persistence: one {@link JobRecord} per job, started on first use, over the
 * database {@code conf/coordinator.conf} and {@link JournalConfig} name.
 */
public final class PekkoJournal implements Journal {

  /** How long a write may take before the caller hears that it failed. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final String[] FORGET = {
    "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ?",
    "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ?"
  };

  private final ActorSystem<?> system;
  private final Executor blocking;
  private final Config database;
  private final ConcurrentMap<String, ActorRef<JobRecord.Command>> records =
      new ConcurrentHashMap<>();
  private final FileReplica files;

  /** The journal of {@code system}, which was started with {@link JournalConfig#at}. */
  public PekkoJournal(ActorSystem<?> system) {
    this(system, FileReplica.NONE);
  }

  /**
   * The journal of {@code system}, which was started with {@link JournalConfig#at}, with the data
   * folder's files copied to {@code files}.
   */
  public PekkoJournal(ActorSystem<?> system, FileReplica files) {
    this.files = files;
    this.system = system;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.database = system.settings().config().getConfig(JournalConfig.DATABASE);
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public FileReplica files() {
    return files;
  }

  private ActorRef<JobRecord.Command> of(String jobId) {
    return records.computeIfAbsent(
        jobId, id -> system.systemActorOf(JobRecord.create(id), "journal-" + id, Props.empty()));
  }

  @Override
  public CompletionStage<Void> record(String jobId, JobRecordEvent event) {
    return write(of(jobId), event);
  }

  /** Journals {@code event} in {@code journal}; completes once it is written. */
  private CompletionStage<Void> write(ActorRef<JobRecord.Command> journal, JobRecordEvent event) {
    return answered(
        AskPattern.<JobRecord.Command, org.apache.pekko.Done>askWithStatus(
                journal, reply -> new JobRecord.Record(event, reply), TIMEOUT, system.scheduler())
            .thenApply(done -> null));
  }

  @Override
  public CompletionStage<JobRecordState> state(String jobId) {
    return answered(AskPattern.ask(of(jobId), JobRecord.Get::new, TIMEOUT, system.scheduler()));
  }

  /**
   * {@code asked}, failing with a plain reason when the journal did not answer in time (a write the
   * database keeps failing: its error is in the log), rather than with the ask's own message.
   */
  private static <T> CompletionStage<T> answered(CompletionStage<T> asked) {
    return asked.handle(
        (value, failure) -> {
          if (failure == null) {
            return value;
          }
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (cause instanceof TimeoutException) {
            throw new CompletionException(
                new IllegalStateException(
                    "the journal did not answer within "
                        + TIMEOUT.toSeconds()
                        + " s; the coordinator's log says why its database failed",
                    cause));
          }
          throw failure instanceof CompletionException completion
              ? completion
              : new CompletionException(failure);
        });
  }

  /**
   * Writes, reads back and deletes a journal outside every job's, once: the first writes through
   * Slick and H2 in a JVM cost far more than the later ones (statements prepared, classes loaded),
   * and a coordinator would otherwise pay that on its first job's acceptance and syncs. Runs in the
   * background; a failure only means the first job pays.
   */
  public CompletionStage<Void> warmUp(JobRecordEvent.Accepted accepted) {
    String id = Long.toString(System.nanoTime(), 36);
    ActorRef<JobRecord.Command> journal =
        system.systemActorOf(JobRecord.warmUp(id), "journal-warm-up-" + id, Props.empty());
    JobRecordEvent[] events = {
      accepted,
      new JobRecordEvent.ResultsSynced(1, 1),
      new JobRecordEvent.Ended("SUCCEEDED", null, accepted.submittedAt(), 1, 1)
    };
    CompletionStage<Void> written = CompletableFuture.completedFuture(null);
    for (JobRecordEvent event : events) {
      written = written.thenCompose(done -> write(journal, event));
    }
    return written
        .whenComplete((done, failure) -> journal.tell(JobRecord.Stop.INSTANCE))
        .thenRunAsync(
            () ->
                delete(
                    org.apache.pekko.persistence.typed.PersistenceId.of(JobRecord.WARM_UP, id)
                        .id()),
            blocking);
  }

  @Override
  public CompletionStage<Void> forget(String jobId) {
    ActorRef<JobRecord.Command> record = records.remove(jobId);
    if (record != null) {
      record.tell(JobRecord.Stop.INSTANCE);
    }
    String id = JobRecord.persistenceId(jobId).id();
    return CompletableFuture.runAsync(() -> delete(id), blocking);
  }

  private void delete(String persistenceId) {
    try (Connection connection =
        DriverManager.getConnection(
            database.getString("url"),
            database.getString("user"),
            database.getString("password"))) {
      for (String sql : FORGET) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          statement.setString(1, persistenceId);
          statement.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot forget " + persistenceId + " in the journal: " + e.getMessage(), e);
    }
  }
}
