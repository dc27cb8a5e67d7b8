package cohort.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A task a node offers: its name, what it does, what it takes.
 *
 * @param name the task's registered name
 * @param description one line about what the task computes
 * @param input a readable description of the input type
 * @param params the parameters the task accepts
 * @param combiner the combiner its jobs use when they name none, or null
 * @param disabled why the node does not run this task, and how to enable it; null when it does
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskInfo(
    String name,
    String description,
    String input,
    List<ParamInfo> params,
    String combiner,
    String disabled) {
  public TaskInfo {
    params = params == null ? List.of() : List.copyOf(params);
  }

  /** Whether the node runs this task. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean enabled() {
    return disabled == null;
  }
}
