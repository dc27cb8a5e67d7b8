package cohort.coordinator.job;

import cohort.messages.TaskSpec;

/**
 * A job's validated settings: what runs and how results come back.
 *
 * @param task the task and its parameters
 * @param ordered results in input order, or as they complete
 * @param combiner how outputs are reduced at the coordinator, or null
 * @param batch inputs per dispatch; 0 lets the coordinator size batches from task time
 */
public record JobSpec(TaskSpec task, boolean ordered, Combiner combiner, int batch) {
  public JobSpec {
    if (batch < 0) {
      throw new IllegalArgumentException("batch " + batch + " is negative: use 0 (adaptive) or more");
    }
  }

  /** This spec with another combiner. */
  public JobSpec withCombiner(Combiner other) {
    return new JobSpec(task, ordered, other, batch);
  }
}
