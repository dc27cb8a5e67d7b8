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
   * Reads a file input's bytes into {@code buffer}, from its position 0, for tasks that read many
   * files and hand them to native code: a direct buffer kept by the task thread saves allocating
   * and copying each file on the Java heap. When the file does not fit, the bytes go to a new
   * direct buffer large enough, which the task may keep for the next file.
   *
   * @return the buffer holding the bytes, from position 0 to its limit
   * @throws java.io.IOException as {@link #read(FileRef)}
   */
  default java.nio.ByteBuffer read(FileRef file, java.nio.ByteBuffer buffer)
      throws java.io.IOException {
    byte[] bytes = read(file);
    java.nio.ByteBuffer into =
        buffer != null && buffer.capacity() >= bytes.length
            ? buffer.clear()
            : java.nio.ByteBuffer.allocateDirect(bytes.length);
    return into.put(bytes).flip();
  }

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

  /**
   * The job's counter of this name, to add to: {@code context.counter("skipped").add(3)}. The
   * totals show in the job's status while it runs; only the attempt whose result the job delivers
   * counts, so retried and re-dispatched inputs never count twice (see {@link Counter}).
   *
   * @param name 1 to 64 letters, digits, {@code -}, {@code _} or {@code .}; a job may use at most
   *     100 names
   * @throws IllegalArgumentException saying what is wrong with the name, or that the job has too
   *     many; the input then fails with that message
   * @throws UnsupportedOperationException where the task does not run as part of a job
   */
  default Counter counter(String name) {
    throw new UnsupportedOperationException(
        "counters are kept only for tasks run as part of a job");
  }

  /**
   * A broadcast of the job: data the client sent once with the job ({@code cohort submit
   * --broadcast NAME=FILE}) that each node fetches once and keeps on its disk by digest. The buffer
   * is a read-only view of the node's one copy, shared by every input of the job there: reading it
   * copies nothing. Its position starts at 0 and is this call's own.
   *
   * @throws IllegalArgumentException when the job has no broadcast of that name, naming those it
   *     has
   */
  default java.nio.ByteBuffer broadcast(String name) {
    throw new IllegalArgumentException(
        "this job has no broadcast '" + name + "'; give it with --broadcast " + name + "=FILE");
  }

  /**
   * The file holding a broadcast on this node, for libraries that open files themselves. It is
   * shared by every job with the same bytes: read it, never change or delete it.
   *
   * @throws IllegalArgumentException as {@link #broadcast(String)}
   */
  default java.nio.file.Path broadcastFile(String name) {
    throw new IllegalArgumentException(
        "this job has no broadcast '" + name + "'; give it with --broadcast " + name + "=FILE");
  }

  /**
   * What the task's {@link NodeSetup#setup} made for this job on this node, shared by all the job's
   * inputs here.
   *
   * @throws IllegalStateException when the task does not implement {@link NodeSetup}, or its value
   *     is not of {@code type}
   */
  default <S> S shared(Class<S> type) {
    throw new IllegalStateException(
        "this task has no per-node setup; implement cohort.task.NodeSetup to share a value");
  }
}
