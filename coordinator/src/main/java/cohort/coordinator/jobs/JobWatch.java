package cohort.coordinator.jobs;

import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import java.util.List;

/**
 * Told of each job the coordinator accepts and of each change of a job's state, where it happens:
 * the coordinator's metrics count inputs this way instead of counting beside every event. Called on
 * the coordinator's thread; it must not block.
 */
public interface JobWatch {

  /** Watches nothing. */
  JobWatch NONE =
      new JobWatch() {
        @Override
        public void accepted(JobState job) {}

        @Override
        public void changed(
            JobEvent event, JobState before, JobState after, List<ResultBlock> released) {}
      };

  /** A new job was registered (not one recovered after a restart). */
  void accepted(JobState job);

  /**
   * An event changed a job (or came and changed nothing, such as a late duplicate result).
   *
   * @param released the results the event released for the client, in delivery order
   */
  void changed(JobEvent event, JobState before, JobState after, List<ResultBlock> released);
}
