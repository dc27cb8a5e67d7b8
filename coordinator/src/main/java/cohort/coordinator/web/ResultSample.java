package cohort.coordinator.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard shows of a job's results: the first few, and the first errors among the
 * results read. Built from the result log as it is when asked, one line at a time, up to {@link
 * #SCANNED} results and no further than it needs ({@link #full}), so a job of millions of results
 * costs the page a bounded read.
 */
public final class ResultSample {

  /** Results shown at the top of a job's page. */
  public static final int FIRST = 20;

  /** Errors shown at most. */
  public static final int ERRORS = 50;

  /** Results read at most in search of errors. */
  public static final long SCANNED = 100_000;

  private final long failed;
  private final List<JsonNode> first = new ArrayList<>();
  private final List<JsonNode> errors = new ArrayList<>();
  private long read;

  /**
   * @param failed the job's errors when the sample is taken: once it holds that many (or {@link
   *     #ERRORS}), reading on finds no error it would show
   */
  public ResultSample(long failed) {
    this.failed = failed;
  }

  /** Takes the next result line, parsed. */
  public ResultSample add(JsonNode result) {
    read++;
    if (first.size() < FIRST) {
      first.add(result);
    }
    if (result.hasNonNull("error")) {
      if (errors.size() < ERRORS) {
        errors.add(result);
      }
    }
    return this;
  }

  /** The first results, in the log's order. */
  public List<JsonNode> first() {
    return List.copyOf(first);
  }

  /** The first errors among the results read, each with its index, input and error. */
  public List<JsonNode> errors() {
    return List.copyOf(errors);
  }

  /** Whether it holds all it shows: reading further would change nothing. */
  public boolean full() {
    return first.size() >= FIRST && errors.size() >= Math.min(ERRORS, failed);
  }

  /** Results read. */
  public long read() {
    return read;
  }
}
