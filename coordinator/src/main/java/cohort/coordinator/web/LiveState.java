package cohort.coordinator.web;

import cohort.api.ClusterStatus;
import cohort.api.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard shows live, kept from one sample of the coordinator a second: each job's
 * progress over time, with its rate and an estimate of its end, and the cluster's dispatch and
 * completion rates. However many inputs a job has and however fast they finish, a browser gets one
 * small snapshot a second: the aggregation happens here, on the coordinator.
 *
 * <p>Thread-safe: the sampler records, any number of streams read.
 */
public final class LiveState {

  /** The window a job's rate is measured over. */
  static final Duration RATE_WINDOW = Duration.ofSeconds(10);

  /** Samples kept per job: a quarter of an hour at one a second. */
  static final int JOB_HISTORY = 900;

  /** Samples of the cluster's rates kept, and sent with every snapshot. */
  static final int CLUSTER_HISTORY = 180;

  /** One sample of a job: inputs with a result, and inputs started (with a result or running). */
  public record JobPoint(long time, long done, long started) {}

  /**
   * One sample of the cluster.
   *
   * @param time epoch milliseconds
   * @param completed inputs a second that got a result since the sample before
   * @param dispatched inputs a second sent to nodes since the sample before
   */
  public record ClusterPoint(long time, double completed, double dispatched, int busy, int slots) {}

  /**
   * A job as the dashboard lists it.
   *
   * @param rate results a second over the last {@link #RATE_WINDOW}
   * @param etaSeconds the estimated seconds to its end at that rate, or null when unknown (no rate
   *     yet, inputs still coming, or ended)
   */
  public record LiveJob(JobStatus status, double rate, Long etaSeconds) {}

  /** What one push to the browser holds. */
  public record Snapshot(
      long time, ClusterStatus cluster, List<ClusterPoint> rates, List<LiveJob> jobs) {}

  private final Map<String, Deque<JobPoint>> jobs = new HashMap<>();
  private final Deque<ClusterPoint> cluster = new ArrayDeque<>();
  private Snapshot latest;

  /** Takes one sample: every job the coordinator remembers and the cluster. */
  public synchronized void record(Instant now, List<JobStatus> statuses, ClusterStatus view) {
    long time = now.toEpochMilli();
    boolean first = latest == null;
    long completed = 0;
    long dispatched = 0;
    Map<String, Deque<JobPoint>> kept = new HashMap<>();
    List<LiveJob> live = new ArrayList<>();
    for (JobStatus status : statuses) {
      JobPoint point = new JobPoint(time, status.done(), status.done() + status.running());
      Deque<JobPoint> history = jobs.get(status.id());
      if (history == null) {
        history = new ArrayDeque<>();
        if (!first) {
          // A job new since the sample before did all it did within that second, but for the
          // inputs a resumed job took over done.
          long skipped = status.resumed() == null ? 0 : status.resumed().skipped();
          completed += Math.max(0, point.done() - skipped);
          dispatched += Math.max(0, point.started() - skipped);
        }
      } else {
        JobPoint before = history.getLast();
        completed += Math.max(0, point.done() - before.done());
        dispatched += Math.max(0, point.started() - before.started());
      }
      if (history.isEmpty() || history.getLast().time() < time) {
        history.addLast(point);
      }
      while (history.size() > JOB_HISTORY) {
        history.removeFirst();
      }
      kept.put(status.id(), history);
      live.add(live(status, history));
    }
    long since = cluster.isEmpty() ? 0 : time - cluster.getLast().time();
    double seconds = since <= 0 ? 1 : since / 1000.0;
    cluster.addLast(
        new ClusterPoint(
            time,
            first ? 0 : completed / seconds,
            first ? 0 : dispatched / seconds,
            view.busySlots(),
            view.slots()));
    while (cluster.size() > CLUSTER_HISTORY) {
      cluster.removeFirst();
    }
    jobs.clear();
    jobs.putAll(kept);
    latest = new Snapshot(time, view, List.copyOf(cluster), List.copyOf(live));
  }

  /** The latest snapshot, or null before the first sample. */
  public synchronized Snapshot latest() {
    return latest;
  }

  /** A job's samples, oldest first; empty for a job not (or no longer) sampled. */
  public synchronized List<JobPoint> history(String job) {
    Deque<JobPoint> history = jobs.get(job);
    return history == null ? List.of() : List.copyOf(history);
  }

  private static LiveJob live(JobStatus status, Deque<JobPoint> history) {
    JobPoint now = history.getLast();
    JobPoint from = now;
    for (var it = history.descendingIterator(); it.hasNext(); ) {
      JobPoint point = it.next();
      if (now.time() - point.time() > RATE_WINDOW.toMillis()) {
        break;
      }
      from = point;
    }
    double rate =
        now.time() == from.time()
            ? 0
            : (now.done() - from.done()) * 1000.0 / (now.time() - from.time());
    Long eta = null;
    long remaining = status.total() - status.done();
    if (!status.state().terminal() && !status.inputsOpen() && rate > 0 && remaining >= 0) {
      eta = (long) Math.ceil(remaining / rate);
    }
    return new LiveJob(status, rate, eta);
  }
}
