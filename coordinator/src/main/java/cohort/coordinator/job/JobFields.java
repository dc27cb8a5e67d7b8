package cohort.coordinator.job;

import io.vavr.collection.HashMap;
import io.vavr.collection.Vector;
import java.time.Instant;

/**
 * The values of a {@link JobState}. Each field holds an immutable value, so a state is copied whole
 * for each event ({@link #copy}) and a new field is declared in one place. Only {@link JobStep}
 * writes them, on a fresh copy.
 */
final class JobFields implements Cloneable {
  String id;
  JobSpec spec;
  long window;
  Instant submittedAt;
  Instant finishedAt;
  Phase phase = Phase.PENDING;
  String message;
  long available;
  boolean inputsOpen;
  long nextFresh;
  long nextBatchId;

  /** The first batch id this state gave: 0, or a recovered job's new epoch. */
  long firstBatchId;

  Vector<Batch> ready = Vector.empty();
  // A hash trie: every dispatch adds a batch and every last result removes one.
  HashMap<Long, JobState.InFlight> inFlight = HashMap.empty();
  ReorderBuffer reorder = ReorderBuffer.empty();
  Tally tally = Tally.NONE;
  long retried;
  double meanTaskNanos = -1;

  /**
   * Why no node can run the job now, or null when some can; see {@link JobEvent.WaitingForNodes}.
   */
  String waitingForNodes;

  /** The earlier job this one resumes, and the inputs it skips; null for most jobs. */
  ResumePlan resumed;

  /** Why the job waits to be let in to run, or null; see {@link JobEvent.WaitingInLine}. */
  String waitingInLine;

  JobFields copy() {
    try {
      return (JobFields) clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }
}
