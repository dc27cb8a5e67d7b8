package cohort.protocol;

import cohort.api.code.CodeRef;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param code the jars the task comes from when the nodes do not have it installed, or null
 */
public record TaskSpec(
    String name,
    @JsonDeserialize(contentUsing = ExactJson.class) Map<String, JsonNode> params,
    @JsonInclude(JsonInclude.Include.NON_NULL) CodeRef code)
    implements CborSerializable {

  /**
   * What nodes that take shipped code offer, in place of a task name: such a node runs any job
   * whose task comes with its code. Not a valid task name, so it never clashes with one.
   */
  public static final String SHIPPED_CODE = "(shipped code)";

  public TaskSpec {
    Objects.requireNonNull(name, "name");
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  /** An installed task. */
  public TaskSpec(String name, Map<String, JsonNode> params) {
    this(name, params, null);
  }

  /**
   * What a node must offer to run this task: its name when the task is installed, {@link
   * #SHIPPED_CODE} when its code comes with the job.
   */
  @JsonIgnore
  public String offeredAs() {
    return code == null ? name : SHIPPED_CODE;
  }
}
