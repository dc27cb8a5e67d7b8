package cohort.pool;

import cohort.api.Result;
import cohort.api.TaskError;
import cohort.task.Task;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A task's inputs to JSON and its outputs back, with Jackson: the output type is read from the
 * task's class ({@code implements Task<String, NoParams, Integer>} decodes outputs as {@code
 * Integer}), generic types included.
 */
final class Codec<I, O> {

  private final ObjectMapper mapper;
  private final JavaType output;
  private final String task;

  private Codec(ObjectMapper mapper, JavaType output, String task) {
    this.mapper = mapper;
    this.output = output;
    this.task = task;
  }

  static <I, O> Codec<I, O> of(Task<I, ?, O> task, ObjectMapper mapper) {
    JavaType[] types = mapper.getTypeFactory().findTypeParameters(task.getClass(), Task.class);
    JavaType output =
        types != null && types.length == 3
            ? types[2]
            : mapper.getTypeFactory().constructType(Object.class);
    return new Codec<>(mapper, output, task.name());
  }

  /**
   * An input as JSON.
   *
   * @throws IllegalArgumentException when Jackson cannot write it, saying which input
   */
  JsonNode input(Object value, long index) {
    try {
      return value == null ? NullNode.getInstance() : mapper.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "input " + index + " of task '" + task + "' cannot be sent as JSON: " + e.getMessage(),
          e);
    }
  }

  /** A result as the caller sees it: its output decoded, or its error as an exception. */
  Outcome<O> outcome(Result result) {
    if (!result.succeeded()) {
      return new Outcome<>(
          result.index(), null, new TaskFailedException(result.index(), result.error()));
    }
    try {
      O value = result.output() == null ? null : mapper.treeToValue(result.output(), output);
      return new Outcome<>(result.index(), value, null);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      String why =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException json
              ? json.getOriginalMessage()
              : e.getMessage();
      TaskError error =
          new TaskError(
              "cohort.OutputError",
              "the output "
                  + abbreviate(String.valueOf(result.output()))
                  + " does not read as "
                  + output.toCanonical()
                  + ": "
                  + why,
              null,
              1,
              null);
      return new Outcome<>(result.index(), null, new TaskFailedException(result.index(), error));
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
