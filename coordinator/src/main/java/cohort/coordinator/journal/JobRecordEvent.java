package cohort.coordinator.journal;

import cohort.coordinator.job.JobSpec;
import cohort.protocol.CborSerializable;
import java.time.Instant;

/**
 * What a job's {@link JobRecord} journals. Stored under their class names: a rename or a move makes
 * a journal written before it unreadable, so change them only with a Jackson migration.
 */
public sealed interface JobRecordEvent extends CborSerializable {

  /**
   * The job was accepted; the client hears of it once this is journaled.
   *
   * @param id the job's id, the same after a restart
   * @param spec what runs and how results come back
   * @param inputs where the inputs come from
   * @param submittedAt when it was accepted
   * @param resumeFrom the earlier job it resumes (its successful inputs are skipped), or null;
   *     absent in journals written before resumes were journaled
   */
  record Accepted(String id, JobSpec spec, JobInputs inputs, Instant submittedAt, String resumeFrom)
      implements JobRecordEvent {

    /** A job that resumes none. */
    public Accepted(String id, JobSpec spec, JobInputs inputs, Instant submittedAt) {
      this(id, spec, inputs, submittedAt, null);
    }
  }

  /**
   * The job's result log holds {@code results} results in its first {@code bytes} bytes, synced to
   * the disk before this was journaled.
   */
  record ResultsSynced(long results, long bytes) implements JobRecordEvent {}

  /**
   * A streamed job's inputs reached {@code total}: those after the last such event are kept in its
   * stream file ({@link InputFiles#append}), synced before this was journaled.
   */
  record InputsAdded(long total) implements JobRecordEvent {}

  /** A streamed job's inputs ended at {@code total}. */
  record InputsClosed(long total) implements JobRecordEvent {}

  /** The job was cancelled: nothing more runs. */
  record Cancelled(String reason) implements JobRecordEvent {}

  /**
   * The job ended, its result log complete at {@code results} results in {@code bytes} bytes.
   *
   * @param phase how it ended, as its status names it
   * @param message what its status says about the end
   */
  record Ended(String phase, String message, Instant endedAt, long results, long bytes)
      implements JobRecordEvent {}
}
