package cohort.messages.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /jobs}: a task, its parameters, and where the inputs come from.
 *
 * <p>Give exactly one input source: {@code inputs} (an explicit list of JSON values) or {@code
 * range} ({@code "A..B"}: the integers from A up to, not including, B, like Python's {@code
 * range}). With {@code split} K the range becomes K inputs instead, each an object {@code
 * {"start":a,"end":b}} covering one part.
 *
 * @param task the task's name
 * @param params parameter values by name
 * @param inputs explicit inputs
 * @param range an integer range {@code "A..B"}; underscores between digits are allowed
 * @param split cut the range into this many parts, one input each
 * @param ordered results in input order (the default) or as they complete
 * @param combine reduce the outputs at the coordinator: {@code sum}, {@code count}, {@code min} or
 *     {@code max}
 * @param batch inputs per dispatch; 0 or absent lets Cohort size batches from measured task time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(
    String task,
    Map<String, JsonNode> params,
    List<JsonNode> inputs,
    String range,
    Integer split,
    Boolean ordered,
    String combine,
    Integer batch) {

  /** A request for the task over explicit inputs, with every option at its default. */
  public static JobRequest of(String task, List<JsonNode> inputs) {
    return new JobRequest(task, null, inputs, null, null, null, null, null);
  }
}
