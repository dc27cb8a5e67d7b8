package cohort.coordinator.admission;

import cohort.coordinator.ClientRequests.Refusal;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.job.InputSource;
import java.util.Optional;

/**
 * What one coordinator takes at most: jobs not yet ended ({@code
 * cohort.coordinator.max-active-jobs}; beyond it a submission is refused with 429, to try again
 * when some end) and inputs in one job ({@code cohort.coordinator.max-inputs-per-job}; a list or
 * range beyond it is refused with 413, as is an upload that would take a streamed job beyond it).
 *
 * @param maxActiveJobs jobs running or waiting for inputs at once
 * @param maxInputsPerJob inputs one job may have
 * @param maxRunningJobs jobs that run at once ({@code cohort.coordinator.max-running-jobs}); the
 *     rest of the active ones wait their turn, highest priority first; 0 for no cap
 */
public record JobLimits(int maxActiveJobs, long maxInputsPerJob, int maxRunningJobs) {

  /** Limits without a cap on running jobs. */
  public JobLimits(int maxActiveJobs, long maxInputsPerJob) {
    this(maxActiveJobs, maxInputsPerJob, 0);
  }

  public JobLimits {
    if (maxRunningJobs < 0) {
      throw new IllegalArgumentException(
          "cohort.coordinator.max-running-jobs = "
              + maxRunningJobs
              + ": use a whole number of jobs, or 0 for no cap");
    }
    if (maxActiveJobs < 1 || maxInputsPerJob < 1) {
      throw new IllegalArgumentException(
          "job limits must be 1 or more: max-active-jobs = "
              + maxActiveJobs
              + ", max-inputs-per-job = "
              + maxInputsPerJob);
    }
  }

  /** Why a job with {@code inputs} is refused while {@code active} jobs run, or empty. */
  public Optional<Refused> onSubmit(int active, InputSource inputs) {
    if (active >= maxActiveJobs) {
      return Optional.of(
          new Refused(
              Refusal.BUSY,
              "the coordinator runs "
                  + active
                  + " jobs, its most (cohort.coordinator.max-active-jobs): try again when some"
                  + " have ended"));
    }
    if (!inputs.isStreamed() && inputs.size() > maxInputsPerJob) {
      return Optional.of(tooMany(inputs.size()));
    }
    return Optional.empty();
  }

  /** Why {@code adding} more inputs for a job that has {@code total} are refused, or empty. */
  public Optional<Refused> onAdd(long total, int adding) {
    return total + adding > maxInputsPerJob
        ? Optional.of(tooMany(total + adding))
        : Optional.empty();
  }

  private Refused tooMany(long inputs) {
    return new Refused(
        Refusal.TOO_MANY_INPUTS,
        "a job may have at most "
            + maxInputsPerJob
            + " inputs (cohort.coordinator.max-inputs-per-job); this one would have "
            + inputs
            + ": split the work into several jobs, or give sum-range-like tasks a --split");
  }
}
