package cohort.coordinator.recovery;

import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobState;
import cohort.coordinator.results.ResultLog;

/**
 * A job as a restarted coordinator found it.
 *
 * @param state its state, rebuilt from the journal and its result log
 * @param inputs its inputs
 * @param log its result log; complete if the job's end was journaled
 * @param bytes bytes of the log kept: a writer goes on after them
 * @param results results in those bytes
 */
public record RecoveredJob(
    JobState state, InputSource inputs, ResultLog log, long bytes, long results) {

  /** Whether the job's end was journaled: nothing more is written for it. */
  public boolean closed() {
    return log.closed();
  }
}
