package cohort.coordinator.job;

import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.CounterDeltas;
import cohort.protocol.Values;
import java.util.List;

/** The named events that change a {@link JobState}; nothing else does. */
public sealed interface JobEvent {

  /**
   * A batch went out to a node: a fresh one, or one waiting to run again.
   *
   * @param node the node's id, which {@link NodeLost} names
   * @param address the node's {@code host:port}, remembered where inputs fail
   */
  record Dispatched(Batch batch, String node, String address) implements JobEvent {}

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
   * @param counters what the tasks of these inputs added to counters, by batch offset; null for
   *     none
   */
  record BatchCompleted(
      long batchId,
      int fromOffset,
      Values outputs,
      List<InputFailure> failures,
      boolean last,
      long busyNanos,
      CounterDeltas counters)
      implements JobEvent {

    /** Results whose tasks added to no counter. */
    public BatchCompleted(
        long batchId,
        int fromOffset,
        Values outputs,
        List<InputFailure> failures,
        boolean last,
        long busyNanos) {
      this(batchId, fromOffset, outputs, failures, last, busyNanos, null);
    }

    /** The event a node's report of a batch's results makes. */
    public static BatchCompleted of(BatchFinished finished) {
      return new BatchCompleted(
          finished.batchId(),
          finished.fromOffset(),
          finished.outputs(),
          finished.failures(),
          finished.last(),
          finished.busyNanos(),
          finished.counters());
    }
  }

  /**
   * A node was lost (unreachable, crashed, removed) with batches of this job in flight. Inputs of
   * the batches it was running count a system failure and run again alone elsewhere, or are
   * quarantined once they have used up max-attempts; batches still in its queue did nothing wrong
   * and simply run again.
   *
   * @param running ids of the batches the node reported it was running
   */
  record NodeLost(String node, String reason, java.util.Set<Long> running) implements JobEvent {}

  /**
   * A node gave back a batch it had not started, at the coordinator's request, so that an idle slot
   * elsewhere runs it. None of its inputs ran: it goes out again as it is, no attempt counted.
   *
   * @param node the node's id: a batch the job no longer expects there stays as it is
   */
  record Returned(long batchId, String node) implements JobEvent {}

  /** More inputs of a streamed job arrived, in order after those before. */
  record InputsAdded(long count) implements JobEvent {}

  /** A streamed job's inputs ended: the job can finish once they all have results. */
  record InputsClosed() implements JobEvent {}

  /**
   * No node that takes work can run the job now (none offers its task or has the labels it
   * requires), or one can again: its status says why it waits until then.
   *
   * @param reason why it waits, in plain words; null once some node can run it
   */
  record WaitingForNodes(String reason) implements JobEvent {}

  /** The job was cancelled: nothing more is sent, late results are dropped. */
  record Cancelled(String reason) implements JobEvent {}

  /**
   * Why the job waits to be let in to run (the cap on running jobs, its place in line), or null
   * once it was let in.
   */
  record WaitingInLine(String reason) implements JobEvent {}
}
