package cohort.task;

/**
 * What a running task may know about its call: where it is in the job, and whether it should stop.
 */
public interface TaskContext {

  /** The job's id. */
  String jobId();

  /** The input's index in the job, counting from 0. */
  long index();

  /** 1 on the first run of this input, more when it runs again after a failure. */
  int attempt();

  /** The address of the node running the task. */
  String node();

  /**
   * True once the job was cancelled or this input's timeout passed. The running thread is also
   * interrupted, so blocking calls end with an {@link InterruptedException}.
   */
  boolean isCancelled();

  /**
   * Reads a file input's bytes: from the coordinator when the client sent them, from the shared
   * file system when the input names a path.
   *
   * @throws java.io.IOException saying which file could not be read and why, for example because it
   *     is larger than {@link FileRef#MAX_BLOB_BYTES} and was not sent
   */
  byte[] read(FileRef file) throws java.io.IOException;

  /**
   * Throws when {@link #isCancelled()} is true: call it between steps of a long computation.
   *
   * @throws InterruptedException when the task should stop
   */
  default void checkCancelled() throws InterruptedException {
    if (isCancelled()) {
      throw new InterruptedException("task cancelled");
    }
  }

  /**
   * Like {@link #checkCancelled()}, for code that cannot throw {@link InterruptedException}: throws
   * a {@link java.util.concurrent.CancellationException}.
   */
  default void checkCancelledUnchecked() {
    if (isCancelled()) {
      throw new java.util.concurrent.CancellationException("task cancelled");
    }
  }
}
