package cohort.coordinator.jobs;

import cohort.coordinator.ClientRequests.AddInputs;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.Batching;
import cohort.coordinator.job.JobState;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * The uploads of a streamed job that wait for room, oldest first, and the rule that lets them in: a
 * job holds at most two rounds of batches for every node that can run it, so a slow cluster slows
 * the producer down instead of filling the coordinator's memory.
 *
 * <p>Used by the coordinator actor only; not thread-safe.
 */
public final class InputGate {

  /** The fewest inputs a streamed job may buffer, whatever its batches. */
  public static final long MIN_BUFFER = 64;

  private final ArrayDeque<AddInputs> waiting = new ArrayDeque<>();

  /**
   * Whether an upload's inputs are being kept (written and journaled) before they go in: the next
   * upload waits for that, so inputs go in in the order they are kept.
   */
  private boolean keeping;

  /**
   * How many unsent inputs a streamed job may hold before the next dispatch: two rounds of batches
   * for every node that can run it (offers its task and has the labels it requires), and never
   * fewer than {@link #MIN_BUFFER}.
   */
  public static long limit(JobState job, NodeTable nodes, Batching batching) {
    String task = job.spec().task().offeredAs();
    long batch = batching.size(job, nodes.slotsFor(task, job.spec().require()));
    return Math.max(MIN_BUFFER, 2L * nodes.capacityFor(task, job.spec().require()) * batch);
  }

  /** Whether an upload may go in now: none waits before it and the job has room. */
  public boolean admitsNow(JobState job, long limit) {
    return !keeping && waiting.isEmpty() && job.admitsInputs(limit);
  }

  /** An upload's inputs are being kept: no other goes in until {@link #kept}. */
  void keeping() {
    keeping = true;
  }

  /** The upload being kept went in (or was refused): the next may go. */
  void kept() {
    keeping = false;
  }

  /** Whether any upload waits for room. */
  public boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Holds an upload until the job has room. */
  public void hold(AddInputs add) {
    waiting.addLast(add);
  }

  /** The oldest waiting upload, taken out, if the job has room for it now. */
  public Optional<AddInputs> next(JobState job, long limit) {
    return !keeping && !waiting.isEmpty() && job.admitsInputs(limit)
        ? Optional.of(waiting.pollFirst())
        : Optional.empty();
  }

  /** Takes out every waiting upload, to refuse them: the job ended. */
  public List<AddInputs> drain() {
    List<AddInputs> all = List.copyOf(waiting);
    waiting.clear();
    return all;
  }
}
