package cohort.coordinator.job;

import cohort.messages.CoordinatorProtocol.InputFailure;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The named events that change a {@link JobState}; nothing else does. */
public sealed interface JobEvent {

  /** A batch went out to a node: a fresh one, or one waiting to run again. */
  record Dispatched(Batch batch, String node) implements JobEvent {}

  /**
   * A node reported results for a part of a batch, as {@code BatchFinished} carries them.
   *
   * @param batchId the batch
   * @param fromOffset batch offset of the first output
   * @param outputs outputs from {@code fromOffset} on; failed positions hold placeholders
   * @param failures the inputs among these that failed
   * @param last whether this is the batch's final part
   * @param busyNanos time the task spent on these inputs
   */
  record BatchCompleted(
      long batchId,
      int fromOffset,
      List<JsonNode> outputs,
      List<InputFailure> failures,
      boolean last,
      long busyNanos)
      implements JobEvent {}

  /**
   * A batch in flight will not report: its node was lost. Its inputs without a result go back to
   * the queue.
   */
  record BatchFailed(long batchId, String reason) implements JobEvent {}

  /** The job was cancelled: nothing more is sent, late results are dropped. */
  record Cancelled(String reason) implements JobEvent {}
}
