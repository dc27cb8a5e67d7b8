package cohort.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One input's result, one line of {@code GET /jobs/{id}/results}: exactly one of {@code output} and
 * {@code error} is present.
 *
 * @param index the input's position in the job, from 0
 * @param input the input
 * @param output the task's output; JSON {@code null} is a valid output
 * @param error why there is no output
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Result(long index, JsonNode input, JsonNode output, TaskError error) {

  /** A successful result. */
  public static Result ok(long index, JsonNode input, JsonNode output) {
    return new Result(index, input, output, null);
  }

  /** An error result. */
  public static Result failed(long index, JsonNode input, TaskError error) {
    return new Result(index, input, null, error);
  }

  /** True when this result has an output. */
  @JsonIgnore
  public boolean succeeded() {
    return error == null;
  }
}
