package cohort.node;

import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.WorkerProtocol.RunBatch;

/**
 * A batch handed to a slot thread: running, or waiting its turn behind other batches of the same
 * run.
 *
 * @param batch the batch as the coordinator sent it
 * @param control the stop switch the slot thread and the worker share
 * @param run which run of batches, and so which slot thread, it belongs to
 * @param task the job's task with its parameters bound
 */
record RunningBatch(RunBatch batch, BatchControl control, long run, BoundTask task) {

  /** The batch's name across the cluster. */
  BatchKey key() {
    return keyOf(batch);
  }

  static BatchKey keyOf(RunBatch batch) {
    return new BatchKey(batch.jobId(), batch.batchId());
  }
}
