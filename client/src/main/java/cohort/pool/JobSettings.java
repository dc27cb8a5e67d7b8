package cohort.pool;

import cohort.api.JobRequest;
import cohort.api.code.CodeRef;
import cohort.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** A job request for a task with {@link Options}: what the HTTP API reads. */
final class JobSettings {

  private JobSettings() {}

  /**
   * The request, without inputs.
   *
   * @throws IllegalArgumentException when the parameters are not of the task's parameter type
   */
  static JobRequest request(
      Task<?, ?, ?> task, Options options, CodeRef code, ObjectMapper mapper) {
    Map<String, JsonNode> params = null;
    if (options.params() != null) {
      Object given = options.params();
      if (!task.paramsType().isInstance(given)) {
        throw new IllegalArgumentException(
            "params is a "
                + given.getClass().getSimpleName()
                + ", but task '"
                + task.name()
                + "' takes "
                + task.paramsType().getSimpleName());
      }
      JsonNode tree = mapper.valueToTree(given);
      params = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> field : tree.properties()) {
        params.put(field.getKey(), field.getValue());
      }
    }
    return new JobRequest(
        task.name(),
        params,
        null,
        null,
        null,
        options.ordered(),
        options.combine() != null ? options.combine() : task.combiner(),
        options.batch(),
        options.retries(),
        options.maxAttempts(),
        options.taskTimeout() == null ? null : options.taskTimeout().toMillis() + "ms",
        null,
        code,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
