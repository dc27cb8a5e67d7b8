package cohort.pool;

import cohort.api.TaskError;

/**
 * An input's task failed on the cluster: the remote exception's type, message, node and stack
 * trace, as Python's {@code Pool} re-raises a worker's exception in the caller. The remote trace is
 * this exception's cause, so a logged failure shows where the task threw.
 */
public final class TaskFailedException extends RuntimeException {

  private final long index;
  private final transient TaskError error;

  /**
   * @param index the failed input's index in its job, or -1 when the job as a whole failed
   * @param error what the coordinator reported
   */
  public TaskFailedException(long index, TaskError error) {
    super(describe(index, error), error.trace() == null ? null : new RemoteTrace(error.trace()));
    this.index = index;
    this.error = error;
  }

  private static String describe(long index, TaskError error) {
    return (index >= 0 ? "input " + index + " failed" : "the job failed")
        + (error.node() == null ? "" : " on " + error.node())
        + (error.attempts() > 1 ? " after " + error.attempts() + " attempts" : "")
        + ": "
        + error.type()
        + (error.message() == null ? "" : ": " + error.message());
  }

  /** The failed input's index in its job, from 0; -1 when the job as a whole failed. */
  public long index() {
    return index;
  }

  /** The remote exception's class name, such as {@code java.lang.IllegalStateException}. */
  public String remoteType() {
    return error.type();
  }

  /** The remote exception's message. */
  public String remoteMessage() {
    return error.message();
  }

  /** The node where the last attempt ran, or null. */
  public String node() {
    return error.node();
  }

  /** The remote stack trace as text, or null. */
  public String remoteTrace() {
    return error.trace();
  }

  /** The failure as the coordinator reported it. */
  public TaskError error() {
    return error;
  }

  /** The remote stack trace, shown as this exception's cause. */
  static final class RemoteTrace extends RuntimeException {
    RemoteTrace(String trace) {
      super("remote stack trace:\n" + trace, null, false, false);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
