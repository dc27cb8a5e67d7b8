package cohort.coordinator.recovery;

import cohort.coordinator.journal.InputFiles;
import cohort.coordinator.journal.Journal;
import java.time.Duration;
import java.util.List;

/**
 * How a coordinator keeps its jobs across a restart: the journal, the files of inputs beside it,
 * how often result logs are synced, and the jobs recovered at this start.
 *
 * @param journal where job events go
 * @param inputs where a job's listed inputs are kept; null without a durable journal
 * @param syncInterval the shortest time between two syncs of a job's result log
 * @param recovered the jobs found in the data folder, oldest first
 */
public record Durability(
    Journal journal, InputFiles inputs, Duration syncInterval, List<RecoveredJob> recovered) {

  /** A coordinator that keeps nothing: a restart starts with no jobs. */
  public static Durability none() {
    return new Durability(Journal.NONE, null, Duration.ZERO, List.of());
  }

  public Durability {
    recovered = List.copyOf(recovered);
    if (journal.durable() && inputs == null) {
      throw new IllegalArgumentException("a durable journal needs a folder for inputs");
    }
  }
}
