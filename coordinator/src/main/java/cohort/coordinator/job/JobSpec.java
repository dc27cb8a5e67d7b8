package cohort.coordinator.job;

import cohort.api.labels.Requirement;
import cohort.coordinator.scheduling.JobPolicy;
import cohort.protocol.TaskSpec;
import java.time.Duration;

/**
 * A job's validated settings: what runs and how results come back.
 *
 * @param task the task and its parameters
 * @param ordered results in input order, or as they complete
 * @param combiner how outputs are reduced at the coordinator, or null
 * @param batch inputs per dispatch; 0 lets the coordinator size batches from task time
 * @param retries times an input whose task threw runs again
 * @param maxAttempts runs an input gets in all when it times out or takes its node down
 * @param taskTimeout how long one input may run before it is interrupted; zero for no limit
 * @param policy its priority, caps, named limits and rates; {@link JobPolicy#NONE} by default
 * @param require the labels a node must have to run the job's inputs; {@link Requirement#NONE} for
 *     any node (null, as journals written before labels read, is none)
 * @param waitForNodes whether the job was submitted to wait for nodes that can run it rather than
 *     be refused when there are none
 */
public record JobSpec(
    TaskSpec task,
    boolean ordered,
    Combiner combiner,
    int batch,
    int retries,
    int maxAttempts,
    Duration taskTimeout,
    JobPolicy policy,
    Requirement require,
    boolean waitForNodes) {

  /** Default {@link #retries}: a task that throws fails at once, as in a plain pool. */
  public static final int DEFAULT_RETRIES = 0;

  /** Default {@link #maxAttempts}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  public JobSpec {
    if (batch < 0) {
      throw new IllegalArgumentException(
          "batch " + batch + " is negative: use 0 (adaptive) or more");
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries " + retries + " is negative: use 0 or more");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max-attempts " + maxAttempts + " must be 1 or more");
    }
    policy = policy == null ? JobPolicy.NONE : policy;
    if (taskTimeout == null || taskTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "task timeout " + taskTimeout + " must be zero (none) or positive");
    }
    if (require == null) {
      require = Requirement.NONE;
    }
  }

  /** A spec that asks the scheduler for nothing and runs on any node. */
  public JobSpec(
      TaskSpec task,
      boolean ordered,
      Combiner combiner,
      int batch,
      int retries,
      int maxAttempts,
      Duration taskTimeout) {
    this(
        task, ordered, combiner, batch, retries, maxAttempts, taskTimeout, Requirement.NONE, false);
  }

  /** A spec that asks the scheduler for nothing ({@link JobPolicy#NONE}). */
  public JobSpec(
      TaskSpec task,
      boolean ordered,
      Combiner combiner,
      int batch,
      int retries,
      int maxAttempts,
      Duration taskTimeout,
      Requirement require,
      boolean waitForNodes) {
    this(
        task,
        ordered,
        combiner,
        batch,
        retries,
        maxAttempts,
        taskTimeout,
        JobPolicy.NONE,
        require,
        waitForNodes);
  }

  /** A spec with the default order, batching and failure handling. */
  public static JobSpec of(TaskSpec task) {
    return new JobSpec(task, true, null, 0, DEFAULT_RETRIES, DEFAULT_MAX_ATTEMPTS, Duration.ZERO);
  }

  /** This spec with results in input order or as they complete. */
  public JobSpec withOrdered(boolean inOrder) {
    return new JobSpec(
        task,
        inOrder,
        combiner,
        batch,
        retries,
        maxAttempts,
        taskTimeout,
        policy,
        require,
        waitForNodes);
  }

  /** This spec with another combiner. */
  public JobSpec withCombiner(Combiner other) {
    return new JobSpec(
        task,
        ordered,
        other,
        batch,
        retries,
        maxAttempts,
        taskTimeout,
        policy,
        require,
        waitForNodes);
  }

  /** This spec with another scheduling policy. */
  public JobSpec withPolicy(JobPolicy other) {
    return new JobSpec(
        task,
        ordered,
        combiner,
        batch,
        retries,
        maxAttempts,
        taskTimeout,
        other,
        require,
        waitForNodes);
  }

  /** This spec sending inputs only to nodes that meet {@code labels}, waiting for them or not. */
  public JobSpec withRequire(Requirement labels, boolean waitForThem) {
    return new JobSpec(
        task,
        ordered,
        combiner,
        batch,
        retries,
        maxAttempts,
        taskTimeout,
        policy,
        labels,
        waitForThem);
  }
}
