package cohort.coordinator.job;

import io.vavr.collection.Vector;
import java.time.Instant;
import java.util.Set;

/**
 * How a job's state is rebuilt from its log after the coordinator restarted ({@link
 * JobState#recovered}): the log must fit the job, the done inputs are counted as delivered, and the
 * gaps among them become batches that run first. Kept apart from {@link JobState}, whose other
 * factories start a job from nothing, because only a restart reads a log back.
 */
final class JobRecovery {

  private JobRecovery() {}

  /** See {@link JobState#recovered}. */
  static JobState recovered(
      String id,
      JobSpec spec,
      long total,
      long window,
      Instant submittedAt,
      DoneInputs done,
      Tally tally,
      InputSource inputs,
      long firstBatchId,
      int maxBatch,
      Instant now,
      boolean inputsOpen) {
    if (done.end() > total || tally.delivered() != done.count()) {
      throw new IllegalStateException(
          "job "
              + id
              + ": its log holds results up to input "
              + done.end()
              + " ("
              + tally.delivered()
              + " counted) for "
              + total
              + " inputs");
    }
    if (spec.ordered() && done.prefix() != done.count()) {
      throw new IllegalStateException(
          "job " + id + " is ordered, but its log has gaps: " + done.gaps().size() + " runs");
    }
    JobFields f = JobState.pending(id, spec, window, submittedAt);
    f.available = total;
    f.nextFresh = done.end();
    f.tally = tally;
    f.reorder = ReorderBuffer.startingAt(spec.ordered() ? done.prefix() : 0);
    f.phase = done.count() > 0 ? Phase.RUNNING : Phase.PENDING;
    long batchId = firstBatchId;
    Vector<Batch> ready = Vector.empty();
    for (long[] gap : done.gaps()) {
      for (long first = gap[0]; first < gap[1]; first += maxBatch) {
        int size = (int) Math.min(maxBatch, gap[1] - first);
        ready =
            ready.append(
                new Batch(batchId++, first, inputs.slice(first, size), 1, 0, 0, Set.of(), null));
      }
    }
    f.ready = ready;
    f.firstBatchId = firstBatchId;
    f.nextBatchId = batchId;
    f.inputsOpen = inputsOpen;
    JobStep.finishIfDone(f, now);
    return new JobState(f);
  }
}
