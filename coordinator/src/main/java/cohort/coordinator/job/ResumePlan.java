package cohort.coordinator.job;

import cohort.api.Result;
import cohort.protocol.TaskSpec;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;

/**
 * What a job submitted with {@code resumeFrom} runs: the inputs of the earlier job that have no
 * successful result (failed, quarantined, cancelled, never run), at their own indices. Like GNU
 * parallel's {@code --resume}, the same job is given again: the same task, parameters and number of
 * inputs; its other settings (retries, timeouts, batch) may change, so a job can be finished after
 * fixing what made it fail.
 *
 * @param from the earlier job's id
 * @param total the earlier job's inputs
 * @param done the inputs with a successful result there: the new job skips them
 * @param tally those results counted as succeeded, so the new job ends when the rest have results
 */
public record ResumePlan(String from, long total, DoneInputs done, Tally tally) {

  /**
   * The plan for resuming job {@code from} of {@code total} inputs, from its results in any order.
   */
  public static ResumePlan of(String from, long total, Iterator<Result> results) {
    return of(from, total, results, null);
  }

  /**
   * The plan for resuming job {@code from}, which itself resumed a job by {@code earlier} (or
   * null): the inputs that job skipped were done before it and stay skipped.
   */
  public static ResumePlan of(
      String from, long total, Iterator<Result> results, ResumePlan earlier) {
    DoneInputs done = new DoneInputs();
    Tally tally = Tally.NONE;
    if (earlier != null) {
      done.addAll(earlier.done());
      tally = earlier.tally();
    }
    DoneInputs.Runs runs = done.runs();
    while (results.hasNext()) {
      Result result = results.next();
      if (result.error() != null) {
        continue;
      }
      runs.next(result.index());
      tally = tally.plus(result, null);
    }
    runs.close();
    return new ResumePlan(from, total, done, tally);
  }

  /**
   * A resumed job's state rebuilt after a restart from its own kept results ({@code recovered}
   * counts the inputs of this plan as done): marked as resuming, so it skips them in its job log
   * and when it is resumed in turn.
   */
  public JobState marking(JobState recovered) {
    return recovered.resuming(this);
  }

  /** How many inputs the new job runs. */
  public long toRun() {
    return total - done.count();
  }

  /**
   * Why job {@code from} cannot be resumed by a job of this spec and this many inputs, in words
   * that say what to do; empty when it can.
   *
   * @param earlier the earlier job's state
   */
  public static Optional<String> refusal(JobState earlier, JobSpec spec, long inputs) {
    String id = earlier.id();
    if (!earlier.terminal()) {
      return Optional.of(
          "job "
              + id
              + " is still running: wait for it to end, or cancel it (cohort cancel "
              + id
              + "), then resume it");
    }
    TaskSpec before = earlier.spec().task();
    if (!before.name().equals(spec.task().name())
        || !before.params().equals(spec.task().params())) {
      return Optional.of(
          "job "
              + id
              + " ran task '"
              + before.name()
              + "' with parameters "
              + before.params()
              + "; this request asks for task '"
              + spec.task().name()
              + "' with "
              + spec.task().params()
              + ": to resume a job, give the same task, parameters and inputs again (as with GNU"
              + " parallel's --resume), or submit it without resumeFrom");
    }
    if (earlier.available() != inputs) {
      return Optional.of(
          "job "
              + id
              + " had "
              + earlier.available()
              + " inputs and this request has "
              + inputs
              + ": to resume a job, give the same inputs again, in the same order");
    }
    if (spec.combiner() != null || earlier.spec().combiner() != null) {
      return Optional.of(
          "job "
              + id
              + " combines its outputs: a resumed job would combine only the inputs it runs; submit"
              + " it without resumeFrom to run every input");
    }
    return Optional.empty();
  }

  /**
   * The new job's first state: the earlier job's successful inputs count as done, the rest run in
   * batches of at most {@code maxBatch}. Its results come as they complete: the inputs it skips
   * would hold back an ordered job's results for good.
   */
  public JobState start(
      String id, JobSpec spec, InputSource inputs, long window, int maxBatch, Instant now) {
    if (inputs.size() != total) {
      throw new IllegalArgumentException(
          "resuming job " + from + " of " + total + " inputs with " + inputs.size());
    }
    return JobState.recovered(
            id,
            spec.withOrdered(false),
            total,
            window,
            now,
            done,
            tally,
            inputs,
            0,
            maxBatch,
            now,
            false)
        .resuming(this);
  }
}
