package cohort.coordinator.job;

import cohort.protocol.CoordinatorProtocol.InputFailure;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The named events that change a {@link JobState}; nothing else does. */
public sealed interface JobEvent {

  /**
   * A batch went out to a node: a fresh one, or one waiting to run again.
   *
   * @param node the node's id, which {@link NodeLost} names
   * @param address the node's {@code host:port}, remembered where inputs fail
   * @param sequence the coordinator's count of batches sent, across jobs: a node runs its batches
   *     in this order
   */
  record Dispatched(Batch batch, String node, String address, long sequence) implements JobEvent {

    /** A dispatch whose place in the coordinator's order does not matter (tests, single jobs). */
    public Dispatched(Batch batch, String node, String address) {
      this(batch, node, address, batch.id());
    }
  }

  /**
   * A node reported results for a part of a batch, as {@code BatchFinished} carries them.
   *
   * @param batchId the batch
   * @param fromOffset batch offset of the first output
   * @param outputs outputs from {@code fromOffset} on; failed positions hold placeholders
   * @param failures the inputs among these that failed, and on the last part inputs beyond the
   *     outputs that failed without one
   * @param last whether this is the batch's final part; inputs it leaves uncovered run again
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
   * A node was lost (unreachable, crashed, removed) with batches of this job in flight. Inputs of
   * the batches it was running count a system failure and run again alone elsewhere, or are
   * quarantined once they have used up max-attempts; batches still in its queue did nothing wrong
   * and simply run again.
   *
   * @param running ids of the batches the node was running, as far as the coordinator knows
   */
  record NodeLost(String node, String reason, java.util.Set<Long> running) implements JobEvent {}

  /** More inputs of a streamed job arrived, in order after those before. */
  record InputsAdded(long count) implements JobEvent {}

  /** A streamed job's inputs ended: the job can finish once they all have results. */
  record InputsClosed() implements JobEvent {}

  /** The job was cancelled: nothing more is sent, late results are dropped. */
  record Cancelled(String reason) implements JobEvent {}
}
