package cohort.coordinator.job;

import cohort.protocol.Payloads;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a job sends next and how many inputs go in one batch.
 *
 * <p>Batches that wait to run again go first, each preferably on a node where it has not failed.
 * Fresh batches are sized from the job's measured time per input so that a batch runs for about
 * {@code targetBatchTime}: tiny tasks travel thousands at a time, slow ones one by one. Guided
 * self-scheduling caps a batch at the remaining inputs over twice the cluster's slots, so the end
 * of a job stays balanced across nodes. Until the first measurement, batches hold one input. A
 * batch is also cut before its inputs outgrow a message.
 *
 * <p>It also decides how deep the pipeline to each node is: a node holds, beyond a batch per slot,
 * enough queued batches to keep each slot busy for about {@code queuePerSlot}, so tiny tasks are
 * not held up by the round trip, while slow ones queue {@code minPrefetch} batches at most and a
 * faster node still gets more.
 *
 * @param targetBatchTime how long a batch should run
 * @param maxBatch the most inputs a batch may hold
 * @param minPrefetch batches a node may queue per slot, whatever the task time
 * @param maxPrefetch the most batches a node may queue per slot
 * @param queuePerSlot queued work per slot the pipeline aims for
 */
public record Batching(
    Duration targetBatchTime,
    int maxBatch,
    int minPrefetch,
    int maxPrefetch,
    Duration queuePerSlot) {

  /** Sizing with the default pipeline: one queued batch per slot, up to 256 for tiny tasks. */
  public Batching(Duration targetBatchTime, int maxBatch) {
    this(targetBatchTime, maxBatch, 1, 256, Duration.ofMillis(5));
  }

  public Batching {
    if (minPrefetch < 0 || maxPrefetch < minPrefetch) {
      throw new IllegalArgumentException(
          "cohort.dispatch.prefetch-per-slot = "
              + minPrefetch
              + " and max-prefetch-per-slot = "
              + maxPrefetch
              + ": use 0 <= prefetch-per-slot <= max-prefetch-per-slot");
    }
    if (queuePerSlot.isNegative()) {
      throw new IllegalArgumentException(
          "cohort.dispatch.queue-per-slot = " + queuePerSlot + ": use 0 or a positive duration");
    }
    if (targetBatchTime.isNegative() || targetBatchTime.isZero()) {
      throw new IllegalArgumentException(
          "cohort.dispatch.target-batch-time = " + targetBatchTime + ": use a positive duration");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "cohort.dispatch.max-batch = " + maxBatch + ": use 1 or more");
    }
  }

  /**
   * How many batches of {@code job} a node may hold per slot beyond the one it runs: enough to
   * cover {@code queuePerSlot} of work, within the configured bounds.
   */
  public int prefetch(JobState job, int batchSize) {
    double mean = job.meanTaskNanos();
    if (mean <= 0) {
      return minPrefetch;
    }
    double batchNanos = Math.max(mean * Math.max(batchSize, 1), 1.0);
    long wanted = (long) Math.ceil(queuePerSlot.toNanos() / batchNanos);
    return (int) Math.max(minPrefetch, Math.min(maxPrefetch, wanted));
  }

  /** How many inputs the next fresh batch of {@code job} should hold. */
  public int size(JobState job, int clusterSlots) {
    if (job.spec().batch() > 0) {
      return Math.min(job.spec().batch(), maxBatch);
    }
    double mean = job.meanTaskNanos();
    if (mean < 0) {
      return 1;
    }
    double byTime = targetBatchTime.toNanos() / Math.max(mean, 1.0);
    // A streamed job's end is unknown, so there is no tail to balance yet.
    double byBalance =
        job.inputsOpen()
            ? Double.MAX_VALUE
            : Math.ceil((double) job.unsent() / (2.0 * Math.max(clusterSlots, 1)));
    long size = (long) Math.min(Math.min(byTime, byBalance), maxBatch);
    return (int) Math.max(1, size);
  }

  /**
   * The batch {@code job} should send next to the node at {@code address}, or empty when it has
   * nothing to send there now. A batch that failed on that node waits for another, unless every
   * node that could run it has seen it fail.
   *
   * @param clusterSlots slots of the nodes that can run the job, for balancing
   * @param candidates addresses of every node that can run the job now
   */
  public Optional<Batch> next(
      JobState job, InputSource source, int clusterSlots, String address, Set<String> candidates) {
    return next(job, source, clusterSlots, address, candidates, Integer.MAX_VALUE);
  }

  /**
   * As {@link #next(JobState, InputSource, int, String, Set)}, with a fresh batch of at most {@code
   * most} inputs (a rate's tokens left); a batch that runs again keeps its size.
   */
  public Optional<Batch> next(
      JobState job,
      InputSource source,
      int clusterSlots,
      String address,
      Set<String> candidates,
      int most) {
    if (job.terminal()) {
      return Optional.empty();
    }
    for (Batch waiting : job.ready()) {
      if (!waiting.failedOn(address) || waiting.failedOn().containsAll(candidates)) {
        return Optional.of(waiting);
      }
    }
    long count = Math.min(Math.min(size(job, clusterSlots), job.admissible()), most);
    if (count <= 0) {
      return Optional.empty();
    }
    Values inputs = source.slice(job.nextFresh(), (int) count);
    return Optional.of(
        Batch.fresh(job.nextBatchId(), job.nextFresh(), inputs.subList(0, fitting(inputs))));
  }

  /** How many of the values, from the first, fit in one message: at least one. */
  static int fitting(Values inputs) {
    if (inputs.estimateBytes() <= Payloads.TARGET_MESSAGE_BYTES) {
      return inputs.size();
    }
    long bytes = 0;
    int fit = 0;
    for (JsonNode input : inputs) {
      bytes += Payloads.estimateBytes(input);
      if (fit > 0 && bytes > Payloads.TARGET_MESSAGE_BYTES) {
        break;
      }
      fit++;
    }
    return fit;
  }
}
