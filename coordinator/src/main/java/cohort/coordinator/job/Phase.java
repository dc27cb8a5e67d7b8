package cohort.coordinator.job;

/** Where a job is in its life. */
public enum Phase {
  /** Accepted, nothing sent to a node yet. */
  PENDING,
  /** Some inputs sent, not all results in. */
  RUNNING,
  /** Every input has an output. */
  SUCCEEDED,
  /** Every input has a result and some of them are errors, or the outputs could not combine. */
  FAILED,
  /** Stopped on request; results that completed before stay readable. */
  CANCELLED;

  /** True once the job will not change any more. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
