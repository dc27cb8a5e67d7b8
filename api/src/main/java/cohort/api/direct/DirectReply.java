package cohort.api.direct;

import cohort.api.TaskError;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A node's answer to a {@link DirectCall}: exactly one of {@code output} and {@code error}.
 *
 * @param id the call's id
 * @param output the task's output; JSON null is a valid output
 * @param error why there is no output
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DirectReply(long id, JsonNode output, TaskError error) {

  /** True when the call has an output. */
  @JsonIgnore
  public boolean succeeded() {
    return error == null;
  }
}
