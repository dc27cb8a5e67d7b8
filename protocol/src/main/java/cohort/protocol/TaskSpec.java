package cohort.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;
import java.util.Objects;

/**
 * What to run for every input of a job: a task name and its parameters.
 *
 * <p>Parameters stay JSON values until a node binds them to the task's own parameter type, because
 * tasks come from plugins the coordinator may not have on its classpath.
 *
 * @param name the task's registered name, for example {@code sum-range}
 * @param params parameter values by name, numbers with every digit they were given; never null
 */
public record TaskSpec(
    String name, @JsonDeserialize(contentUsing = ExactJson.class) Map<String, JsonNode> params)
    implements CborSerializable {
  public TaskSpec {
    Objects.requireNonNull(name, "name");
    params = params == null ? Map.of() : Map.copyOf(params);
  }
}
