package cohort.node;

import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

/** A task with a job's parameters bound: converts inputs, runs, converts outputs. */
public final class BoundTask {

  private final Task<Object, Object, Object> task;
  private final Object params;
  private final ObjectMapper mapper;
  private final boolean jsonInput;

  @SuppressWarnings("unchecked")
  BoundTask(Task<?, ?, ?> task, Object params, ObjectMapper mapper) {
    this.task = (Task<Object, Object, Object>) task;
    this.params = params;
    this.mapper = mapper;
    this.jsonInput = JsonNode.class.equals(task.inputType());
  }

  /** The task's name. */
  public String name() {
    return task.name();
  }

  /**
   * Converts an input to the task's input type.
   *
   * @throws IllegalArgumentException saying what the input is and what the task takes
   */
  public Object convertInput(JsonNode input) {
    if (jsonInput) {
      return input;
    }
    try {
      Object value = mapper.treeToValue(input, task.inputType());
      if (value == null) {
        throw new IllegalArgumentException("null");
      }
      return value;
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "task '"
              + task.name()
              + "' takes "
              + TaskRegistry.typeName(task.inputType())
              + " inputs, not "
              + abbreviate(String.valueOf(input)));
    }
  }

  /** Runs the task on a converted input and returns its output as JSON. */
  public JsonNode run(Object input, TaskContext context) throws Exception {
    Object output = task.run(input, params, context);
    if (output == null) {
      return NullNode.getInstance();
    }
    if (output instanceof JsonNode node) {
      return node;
    }
    return mapper.valueToTree(output);
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
