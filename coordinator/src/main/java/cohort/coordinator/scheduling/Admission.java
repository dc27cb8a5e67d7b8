package cohort.coordinator.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cap on running jobs ({@code cohort.coordinator.max-running-jobs}): jobs beyond it wait,
 * highest priority first and in the order they came among equals; a job once let in runs to its
 * end. A job that already sent work (one recovered after a restart, say) is in whatever the cap.
 * Not thread-safe: the dispatcher owns it.
 */
public final class Admission {

  /**
   * A job not ended, in the order jobs came.
   *
   * @param started whether it has sent work already
   */
  public record Candidate(String job, int priority, boolean started) {}

  private final int maxRunning;
  private final Set<String> admitted = new HashSet<>();
  private final Map<String, Integer> places = new HashMap<>();
  private int waiting;

  /**
   * @param maxRunning jobs that may run at once; 0 for no cap
   */
  public Admission(int maxRunning) {
    if (maxRunning < 0) {
      throw new IllegalArgumentException(
          "cohort.coordinator.max-running-jobs = "
              + maxRunning
              + ": use a whole number of jobs, or 0 for no cap");
    }
    this.maxRunning = maxRunning;
  }

  /** Lets in what the cap allows, and places the rest in line. */
  public void update(List<Candidate> jobs) {
    Set<String> present = new HashSet<>();
    List<Candidate> queue = new ArrayList<>();
    for (Candidate job : jobs) {
      present.add(job.job());
      if (maxRunning == 0 || job.started()) {
        admitted.add(job.job());
      }
    }
    admitted.retainAll(present);
    for (Candidate job : jobs) {
      if (!admitted.contains(job.job())) {
        queue.add(job);
      }
    }
    queue.sort(Comparator.comparingInt(Candidate::priority).reversed()); // stable: order kept
    int room = Math.max(0, maxRunning - admitted.size());
    places.clear();
    int place = 0;
    for (Candidate job : queue) {
      if (room > 0) {
        admitted.add(job.job());
        room--;
      } else {
        places.put(job.job(), ++place);
      }
    }
    waiting = place;
  }

  /** Whether the job may send work. */
  public boolean admitted(String job) {
    return admitted.contains(job);
  }

  /** Why the job waits and where it is in line, or empty when it was let in. */
  public Optional<String> waiting(String job) {
    Integer place = places.get(job);
    if (place == null) {
      return Optional.empty();
    }
    return Optional.of(
        "in line for one of the "
            + maxRunning
            + " running-job places (cohort.coordinator.max-running-jobs): "
            + place
            + " of "
            + waiting);
  }

  /** Jobs waiting to be let in. */
  public int waitingCount() {
    return waiting;
  }
}
