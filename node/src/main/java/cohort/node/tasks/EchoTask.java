package cohort.node.tasks;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;

/** Returns its input unchanged: the smallest possible task, for plumbing and overhead checks. */
public final class EchoTask implements Task<JsonNode, NoParams, JsonNode> {

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public String description() {
    return "returns its input unchanged";
  }

  @Override
  public Class<JsonNode> inputType() {
    return JsonNode.class;
  }

  @Override
  public Class<NoParams> paramsType() {
    return NoParams.class;
  }

  @Override
  public JsonNode run(JsonNode input, NoParams params, TaskContext context) {
    return input;
  }
}
