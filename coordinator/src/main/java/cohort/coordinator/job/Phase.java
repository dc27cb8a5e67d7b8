package cohort.coordinator.job;

/**
 * Where a job is in its life, as the coordinator's bookkeeping sees it. The HTTP API shows it as
 * its own {@code JobStatus.State}, of the same names.
 */
public enum Phase {
  /** Accepted, nothing sent to a node yet. */
  PENDING(false),
  /** Some inputs sent, not all results in. */
  RUNNING(false),
  /** Every input has an output. */
  SUCCEEDED(true),
  /** Every input has a result and some are errors, or the outputs could not be combined. */
  FAILED(true),
  /** Stopped on request; results that completed before stay readable. */
  CANCELLED(true);

  private final boolean terminal;

  Phase(boolean terminal) {
    this.terminal = terminal;
  }

  /** True once the job will not change any more. */
  public boolean terminal() {
    return terminal;
  }
}
