package cohort.netlab.chaos;

import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.client.CohortClient;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Follows one job to its end through a coordinator that may be cut off or restarting, measuring the
 * longest time its results stopped coming, then reads every result back.
 */
final class JobWatch {

  /** How a job ended, its results, and its longest stall. */
  record Outcome(Optional<JobStatus> end, List<Result> results, long stallMillis) {}

  private JobWatch() {}

  /**
   * Polls the job's status until it ends or {@code deadlineNanos} passes.
   *
   * @return its final status (empty if it did not end in time), every result the coordinator
   *     returns for it, and the longest time in which its count of finished inputs did not grow
   */
  static Outcome follow(CohortClient client, String id, long deadlineNanos) {
    long lastProgress = System.nanoTime();
    long finished = -1;
    long stall = 0;
    JobStatus end = null;
    while (end == null && System.nanoTime() < deadlineNanos) {
      try {
        JobStatus status = client.status(id);
        long now = status.succeeded() + status.failed();
        if (now != finished) {
          finished = now;
          lastProgress = System.nanoTime();
        }
        if (status.state() != JobStatus.State.PENDING
            && status.state() != JobStatus.State.RUNNING) {
          end = status;
        }
      } catch (RuntimeException e) {
        // cut off or restarting: the stall goes on
      }
      stall = Math.max(stall, (System.nanoTime() - lastProgress) / 1_000_000);
      if (end == null) {
        Pause.millis(200);
      }
    }
    long readBy = Math.max(deadlineNanos, System.nanoTime()) + 120_000_000_000L;
    return new Outcome(Optional.ofNullable(end), readResults(client, id, readBy), stall);
  }

  private static List<Result> readResults(CohortClient client, String id, long deadlineNanos) {
    while (true) {
      try (Stream<Result> results = client.results(id)) {
        return results.toList();
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadlineNanos) {
          return List.of();
        }
        Pause.millis(500);
      }
    }
  }
}
