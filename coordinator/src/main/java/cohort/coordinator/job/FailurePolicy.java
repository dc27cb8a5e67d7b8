package cohort.coordinator.job;

import cohort.api.TaskError;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * What becomes of an input that failed: another run, or its final error.
 *
 * <p>An input whose task threw runs again up to {@code retries} times. One that timed out, or whose
 * node was lost while it ran, counts a system failure and runs again, preferably on another node,
 * up to {@code maxAttempts} runs in all; then it gets an error result (for a lost node:
 * quarantined, as the input may crash every JVM it runs in). An input that did not convert to the
 * task's input type never runs again.
 *
 * @param retries times an input whose task threw runs again
 * @param maxAttempts runs an input gets in all when it times out or takes its node down
 */
public record FailurePolicy(int retries, int maxAttempts) {

  /** The error type of a quarantined input's result. */
  public static final String QUARANTINED = "cohort.Quarantined";

  public FailurePolicy {
    if (retries < 0 || maxAttempts < 1) {
      throw new IllegalArgumentException(
          "retries " + retries + " and max-attempts " + maxAttempts + ": use 0+ and 1+");
    }
  }

  /** The policy a job's spec asks for. */
  public static FailurePolicy of(JobSpec spec) {
    return new FailurePolicy(spec.retries(), spec.maxAttempts());
  }

  /** The verdict on one failed input. */
  public sealed interface Decision {}

  /**
   * Run the input again, alone, with its history so far.
   *
   * @param taskFailures times the task threw on it
   * @param systemFailures times it timed out or its node was lost
   * @param failedOn nodes it failed on, avoided where another can run it
   * @param error the failure, shown if it runs out of attempts later
   */
  public record RunAgain(
      int taskFailures, int systemFailures, Set<String> failedOn, TaskError error)
      implements Decision {
    public RunAgain {
      failedOn = Set.copyOf(failedOn);
    }
  }

  /** Give up: the input's result is this error. */
  public record GiveUp(TaskError error) implements Decision {}

  /**
   * Decides what becomes of the input at {@code offset} of {@code batch}, which failed on the node
   * at {@code address}.
   */
  public Decision decide(Batch batch, InputFailure failure, String address) {
    TaskError error = failure.error();
    FailureKind kind = failure.kind();
    if (kind == FailureKind.TASK && batch.taskFailures() < retries) {
      return new RunAgain(
          batch.taskFailures() + 1, batch.systemFailures(), batch.failedOn(), error);
    }
    if (kind.system()) {
      Set<String> failedOn = new HashSet<>(batch.failedOn());
      failedOn.add(address);
      if (batch.systemFailures() + 1 < maxAttempts) {
        return new RunAgain(batch.taskFailures(), batch.systemFailures() + 1, failedOn, error);
      }
      error =
          kind == FailureKind.CRASH
              ? quarantined(batch, failedOn, error)
              : new TaskError(
                  error.type(),
                  error.message()
                      + "; gave up after "
                      + batch.attempt()
                      + " runs (max-attempts "
                      + maxAttempts
                      + ")",
                  error.node(),
                  batch.attempt(),
                  error.trace());
    }
    return new GiveUp(error.withAttempts(batch.attempt()));
  }

  private TaskError quarantined(Batch batch, Set<String> failedOn, TaskError last) {
    return new TaskError(
        QUARANTINED,
        "quarantined after its node went down on each of its "
            + batch.attempt()
            + " runs (max-attempts "
            + maxAttempts
            + "), on "
            + String.join(", ", new TreeSet<>(failedOn))
            + "; the task may crash its JVM for this input (System.exit, Runtime.halt, out of"
            + " memory). Last: "
            + last.message(),
        last.node(),
        batch.attempt(),
        last.trace());
  }
}
