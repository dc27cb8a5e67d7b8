package cohort.pool;

import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A job running on the cluster, like the {@code AsyncResult} of Python's {@code map_async}: its
 * progress, a cancel that reaches every node, a wait with a timeout, and its results. Thread-safe.
 *
 * @param <O> the task's output type
 */
public final class JobHandle<O> {

  private final CohortClient client;
  private final String id;
  private final Codec<?, O> codec;
  private final Supplier<RuntimeException> inputFailure;

  JobHandle(
      CohortClient client, String id, Codec<?, O> codec, Supplier<RuntimeException> inputFailure) {
    this.client = client;
    this.id = id;
    this.codec = codec;
    this.inputFailure = inputFailure;
  }

  /** The job's id, as {@code cohort status} and the HTTP API know it. */
  public String id() {
    return id;
  }

  /** The job's progress now: its state and how many inputs succeeded, failed, run and wait. */
  public JobStatus progress() {
    return client.status(id);
  }

  /** Cancels the job: every node stops its inputs; results already in stay readable. */
  public JobStatus cancel() {
    return client.cancel(id);
  }

  /**
   * Waits until the job has ended, at most {@code timeout}.
   *
   * @return true when it ended, false when the time ran out first
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    while (!client.status(id).state().terminal()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
      pause = Math.min(pause * 2, 250);
    }
    return true;
  }

  /**
   * Waits for the job's end and returns its outputs in input order, like {@code AsyncResult.get()}.
   *
   * @throws TaskFailedException for the first input (by index) that failed
   * @throws CancellationException when the job was cancelled
   */
  public List<O> get() {
    List<Outcome<O>> outcomes = outcomes();
    checkNotCancelled(client.status(id));
    List<O> values = new ArrayList<>(outcomes.size());
    for (Outcome<O> outcome : outcomes) {
      values.add(outcome.get());
    }
    return values;
  }

  /**
   * Waits for the job's end, however long it takes; cancels the job when the waiting thread is
   * interrupted.
   *
   * @return the job's final status
   * @throws CancellationException when interrupted
   */
  JobStatus awaitEnd() {
    try {
      await(Duration.ofDays(365));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new CancellationException(
          "interrupted while waiting for job " + id + "; it is cancelled");
    }
    JobStatus end = client.status(id);
    checkNotCancelled(end);
    return end;
  }

  /**
   * Throws when the job was cancelled: its outputs are not all there, so a list of them would
   * quietly miss some.
   */
  static void checkNotCancelled(JobStatus job) {
    if (job.state() == JobStatus.State.CANCELLED) {
      throw new CancellationException(
          "job "
              + job.id()
              + " was cancelled; "
              + job.done()
              + " of its "
              + job.total()
              + " inputs have results (JobHandle.outcomes() gives them)");
    }
  }

  /**
   * As {@link #get()}, failing with a {@link TimeoutException} when the job has not ended within
   * {@code timeout}.
   */
  public List<O> get(Duration timeout) throws InterruptedException, TimeoutException {
    if (!await(timeout)) {
      throw new TimeoutException("job " + id + " has not ended within " + timeout);
    }
    return get();
  }

  /** Waits for the job's end and returns every result, output or error, in input order. */
  public List<Outcome<O>> outcomes() {
    List<Outcome<O>> all = new ArrayList<>();
    try (Results<O> results = results()) {
      results.outcomes().forEach(all::add);
    }
    all.sort(Comparator.comparingLong(Outcome::index));
    return all;
  }

  /**
   * The results as they come, in the job's order (input order unless it runs unordered). Closing
   * the stream early does not cancel the job.
   */
  public Results<O> results() {
    Stream<Result> stream = client.results(id);
    return new Results<>(id, stream.iterator(), codec, stream::close, inputFailure);
  }

  /**
   * The outputs combined at the coordinator ({@link Options#combine}), once the job has ended: an
   * exact number, or null without a combiner or when there was nothing to combine.
   *
   * @throws IllegalStateException when the outputs could not be combined, saying why
   */
  public Number combined() {
    JobStatus status = client.status(id);
    if (status.combineError() != null) {
      throw new IllegalStateException("job " + id + ": " + status.combineError());
    }
    JsonNode value = status.combined();
    return value == null || !value.isNumber() ? null : value.numberValue();
  }
}
