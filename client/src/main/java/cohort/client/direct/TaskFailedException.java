package cohort.client.direct;

import cohort.api.TaskError;

/** A direct call ran and failed: the task threw, or its task, parameters or input were wrong. */
public final class TaskFailedException extends RuntimeException {

  private final transient TaskError error;

  public TaskFailedException(TaskError error) {
    super(error.message());
    this.error = error;
  }

  /** What failed, as a job's result would show it: type, message, node and trace. */
  public TaskError error() {
    return error;
  }
}
