package cohort.api.direct;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * One task call a client sends straight to a node: run {@code task} with {@code params} on {@code
 * input}. The node answers with a {@link DirectReply} of the same {@code id}.
 *
 * @param id the client's number for the call, unique on its connection
 * @param task the task's name
 * @param params the task's parameters; empty for its defaults
 * @param input the input, as the task's input type reads it from JSON
 */
public record DirectCall(long id, String task, Map<String, JsonNode> params, JsonNode input) {
  public DirectCall {
    Objects.requireNonNull(task, "task");
    params = params == null ? Map.of() : Map.copyOf(params);
  }
}
