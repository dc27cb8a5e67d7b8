package cohort.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

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
 * @param waiting why the job waits for nodes, such as {@code no node has the label gpu}, while no
 *     node that takes work can run it; null when some can, or the job ended
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
    String waiting) {

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
