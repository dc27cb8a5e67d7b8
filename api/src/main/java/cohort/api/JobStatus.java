package cohort.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job as {@code GET /jobs/{id}} shows it.
 *
 * @param id the job's id
 * @param task the task's name
 * @param state where the job is in its life
 * @param ordered whether results come in input order
 * @param combine the combiner, or null
 * @param total how many inputs the job has
 * @param succeeded inputs with an output
 * @param failed inputs with an error result
 * @param running inputs out on nodes now
 * @param pending inputs not sent to a node yet, including those waiting to run again
 * @param retried how many times an input was sent again after a failure
 * @param combined the combined value of the outputs so far, or null without a combiner
 * @param combineError why the outputs could not be combined, or null
 * @param submittedAt when the job was accepted, ISO-8601
 * @param elapsedMillis time from acceptance to the end, or to now while it runs
 * @param message a note for a person, such as why a job failed, or null
 * @param inputsOpen true while a streamed job's inputs still arrive; {@code total} then counts
 *     those so far
 * @param resumed the job this one resumes ({@code --resume-from}), or null
 * @param priority the job's priority, or null for the default 0
 * @param waiting why a job waits: for a place among the running jobs (its place in line), or for
 *     nodes that can run it (such as {@code no node has the label gpu}); null when it does not
 * @param counters the job's counters by name, in name order: what its tasks added through {@code
 *     TaskContext.counter(name)}, counting for each input only the attempt whose result the job
 *     delivered; empty (and left out of the JSON) when its tasks used none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(
    String id,
    String task,
    State state,
    boolean ordered,
    String combine,
    long total,
    long succeeded,
    long failed,
    long running,
    long pending,
    long retried,
    JsonNode combined,
    String combineError,
    String submittedAt,
    long elapsedMillis,
    String message,
    boolean inputsOpen,
    Resumed resumed,
    Integer priority,
    String waiting,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> counters) {

  public JobStatus {
    counters =
        counters == null || counters.isEmpty()
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(counters));
  }

  /** A status with no priority, place in line or counters. */
  public JobStatus(
      String id,
      String task,
      State state,
      boolean ordered,
      String combine,
      long total,
      long succeeded,
      long failed,
      long running,
      long pending,
      long retried,
      JsonNode combined,
      String combineError,
      String submittedAt,
      long elapsedMillis,
      String message,
      boolean inputsOpen,
      Resumed resumed) {
    this(
        id,
        task,
        state,
        ordered,
        combine,
        total,
        succeeded,
        failed,
        running,
        pending,
        retried,
        combined,
        combineError,
        submittedAt,
        elapsedMillis,
        message,
        inputsOpen,
        resumed,
        null,
        null,
        null);
  }

  /**
   * What a job resumes.
   *
   * @param from the earlier job's id
   * @param skipped the inputs it had succeeded in, which this job counts as succeeded and does not
   *     run
   */
  public record Resumed(String from, long skipped) {}

  /** Where a job is in its life. */
  public enum State {
    /** Accepted, nothing sent to a node yet. */
    PENDING,
    /** Some inputs sent, not all results in. */
    RUNNING,
    /** Every input has an output. */
    SUCCEEDED,
    /** Every input has a result and some of them are errors. */
    FAILED,
    /** Stopped on request; results that completed before stay readable. */
    CANCELLED;

    /** True once the job will not change any more. */
    public boolean terminal() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  /** Inputs with a result, whether output or error. */
  public long done() {
    return succeeded + failed;
  }
}
