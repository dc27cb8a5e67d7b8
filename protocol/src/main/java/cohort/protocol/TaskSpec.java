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
 * @param broadcasts the job's broadcasts, SHA-256 digests by name, which each node fetches once
 *     from the coordinator; empty for none, never null
 */
public record TaskSpec(
    String name,
    @JsonDeserialize(contentUsing = ExactJson.class) Map<String, JsonNode> params,
    @JsonInclude(JsonInclude.Include.NON_NULL) CodeRef code,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> broadcasts)
    implements CborSerializable {

  /**
   * What nodes that take shipped code offer, in place of a task name: such a node runs any job
   * whose task comes with its code. Not a valid task name, so it never clashes with one.
   */
  public static final String SHIPPED_CODE = "(shipped code)";

  public TaskSpec {
    Objects.requireNonNull(name, "name");
    params = params == null ? Map.of() : Map.copyOf(params);
    broadcasts = cohort.api.broadcast.Broadcasts.check(broadcasts);
  }

  /** A task without broadcasts. */
  public TaskSpec(String name, Map<String, JsonNode> params, CodeRef code) {
    this(name, params, code, null);
  }

  /** An installed task. */
  public TaskSpec(String name, Map<String, JsonNode> params) {
    this(name, params, null, null);
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
