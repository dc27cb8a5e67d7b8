package cohort.coordinator.job;

import cohort.api.Result;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a job's released results add up to: how many succeeded and failed, and the outputs combined
 * so far. An immutable value.
 *
 * @param succeeded results with an output
 * @param failed results with an error
 * @param combined the outputs reduced so far by the job's combiner, or null
 * @param combineError why the outputs could not be combined, or null
 * @param counters the job's counters: what the attempts whose results were released added
 */
public record Tally(
    long succeeded, long failed, JsonNode combined, String combineError, Counters counters) {

  /** Nothing released yet. */
  public static final Tally NONE = new Tally(0, 0, null, null, Counters.NONE);

  public Tally {
    java.util.Objects.requireNonNull(counters, "counters");
  }

  /** A tally with no counters. */
  public Tally(long succeeded, long failed, JsonNode combined, String combineError) {
    this(succeeded, failed, combined, combineError, Counters.NONE);
  }

  /** The tally after a block of results left for the client. */
  public Tally add(ResultBlock block, Combiner combiner) {
    int failures = block.errors().size();
    JsonNode value = combined;
    String error = combineError;
    if (combiner != null && error == null) {
      try {
        for (int offset = 0; offset < block.size(); offset++) {
          if (block.succeeded(offset)) {
            value = combiner.add(value, block.outputs().get(offset));
          }
        }
      } catch (RuntimeException e) {
        error = e.getMessage();
        value = null;
      }
    }
    return new Tally(
        succeeded + block.size() - failures,
        failed + failures,
        value,
        error,
        counters.plus(block.counters()));
  }

  /**
   * The tally after one more result, as a result log gives it back: folded in the order the log
   * holds, which is the order the job released them, so the combined value comes out the same.
   */
  public Tally plus(Result result, Combiner combiner) {
    if (!result.succeeded()) {
      return new Tally(succeeded, failed + 1, combined, combineError, counters);
    }
    JsonNode value = combined;
    String error = combineError;
    if (combiner != null && error == null) {
      try {
        value = combiner.add(value, result.output());
      } catch (RuntimeException e) {
        error = e.getMessage();
        value = null;
      }
    }
    return new Tally(succeeded + 1, failed, value, error, counters);
  }

  /**
   * The tally with {@code more} counted, as a result log gives back what a frame's results added to
   * the counters.
   */
  public Tally counting(Counters more) {
    return new Tally(succeeded, failed, combined, combineError, counters.plus(more));
  }

  /** Results released in all. */
  public long delivered() {
    return succeeded + failed;
  }
}
