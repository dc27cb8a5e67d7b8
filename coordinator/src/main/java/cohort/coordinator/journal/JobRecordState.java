package cohort.coordinator.journal;

import cohort.coordinator.journal.JobRecordEvent.Accepted;
import cohort.coordinator.journal.JobRecordEvent.Cancelled;
import cohort.coordinator.journal.JobRecordEvent.Ended;
import cohort.coordinator.journal.JobRecordEvent.InputsAdded;
import cohort.coordinator.journal.JobRecordEvent.InputsClosed;
import cohort.coordinator.journal.JobRecordEvent.ResultsSynced;
import cohort.protocol.CborSerializable;
import java.util.Optional;

/**
 * What a job's journal says about it: replayed from its events, or from a snapshot of this value.
 *
 * @param accepted the job's acceptance; null before
 * @param results results synced in its result log
 * @param bytes bytes of its result log that hold them
 * @param cancelled why it was cancelled; null unless it was
 * @param ended its end; null while it runs
 * @param streamed how many inputs a streamed job's stream file holds
 * @param inputsClosed whether a streamed job's inputs ended
 */
public record JobRecordState(
    Accepted accepted,
    long results,
    long bytes,
    String cancelled,
    Ended ended,
    long streamed,
    boolean inputsClosed)
    implements CborSerializable {

  /** A job the journal knows nothing of. */
  public static final JobRecordState EMPTY = new JobRecordState(null, 0, 0, null, null, 0, false);

  /** Whether the journal holds the job's acceptance. */
  public boolean known() {
    return accepted != null;
  }

  /**
   * Why {@code event} cannot follow what is journaled, in words for a log line; empty when it can.
   */
  public Optional<String> refusal(JobRecordEvent event) {
    if (event instanceof Accepted) {
      return known() ? Optional.of("job " + accepted.id() + " is journaled already") : none();
    }
    if (!known()) {
      return Optional.of("the job's acceptance is not journaled");
    }
    if (ended != null) {
      return Optional.of("job " + accepted.id() + " has ended");
    }
    if (event instanceof ResultsSynced synced) {
      return backwards(synced.results(), synced.bytes());
    }
    if (event instanceof Ended end) {
      return backwards(end.results(), end.bytes());
    }
    if (event instanceof InputsAdded added && (inputsClosed || added.total() < streamed)) {
      return Optional.of(
          "job "
              + accepted.id()
              + ": its inputs cannot go from "
              + streamed
              + " to "
              + added.total()
              + (inputsClosed ? " after they ended" : ""));
    }
    return none();
  }

  private Optional<String> backwards(long toResults, long toBytes) {
    if (toResults < results || toBytes < bytes) {
      return Optional.of(
          "job "
              + accepted.id()
              + ": the result log cannot shrink from "
              + results
              + " results in "
              + bytes
              + " bytes to "
              + toResults
              + " in "
              + toBytes);
    }
    return none();
  }

  private static Optional<String> none() {
    return Optional.empty();
  }

  /** The state after {@code event}, which {@link #refusal} allowed. */
  public JobRecordState apply(JobRecordEvent event) {
    if (event instanceof Accepted acceptance) {
      return new JobRecordState(acceptance, 0, 0, null, null, 0, false);
    } else if (event instanceof ResultsSynced synced) {
      return new JobRecordState(
          accepted, synced.results(), synced.bytes(), cancelled, ended, streamed, inputsClosed);
    } else if (event instanceof Cancelled cancel) {
      return new JobRecordState(
          accepted, results, bytes, cancel.reason(), ended, streamed, inputsClosed);
    } else if (event instanceof InputsAdded added) {
      return new JobRecordState(
          accepted, results, bytes, cancelled, ended, added.total(), inputsClosed);
    } else if (event instanceof InputsClosed closed) {
      return new JobRecordState(accepted, results, bytes, cancelled, ended, closed.total(), true);
    } else {
      Ended end = (Ended) event;
      return new JobRecordState(
          accepted, end.results(), end.bytes(), cancelled, end, streamed, inputsClosed);
    }
  }
}
