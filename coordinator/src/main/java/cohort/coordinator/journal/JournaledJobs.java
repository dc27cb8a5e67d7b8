package cohort.coordinator.journal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/** Which jobs the journal holds, read at start-up to recover them. */
public final class JournaledJobs {

  private JournaledJobs() {}

  /** The ids of every job with a journal, in no particular order. */
  public static CompletionStage<List<String>> ids(ActorSystem<?> system) {
    JdbcReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal
        .currentPersistenceIds()
        .map(JobRecord::jobId)
        .filter(Optional::isPresent)
        .map(Optional::get)
        .runWith(Sink.seq(), system);
  }
}
