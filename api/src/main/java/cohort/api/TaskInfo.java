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
 * @param origin where the task's code comes from: {@code built-in}, {@code plugin FILE.jar}, or
 *     {@code deployed FILE.jar (DIGEST)}; null when not known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskInfo(
    String name,
    String description,
    String input,
    List<ParamInfo> params,
    String combiner,
    String disabled,
    String origin) {
  public TaskInfo {
    params = params == null ? List.of() : List.copyOf(params);
  }

  /** A task whose origin is not told. */
  public TaskInfo(
      String name,
      String description,
      String input,
      List<ParamInfo> params,
      String combiner,
      String disabled) {
    this(name, description, input, params, combiner, disabled, null);
  }

  /** This task, said to come from {@code value}. */
  public TaskInfo withOrigin(String value) {
    return new TaskInfo(name, description, input, params, combiner, disabled, value);
  }

  /** Whether the node runs this task. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean enabled() {
    return disabled == null;
  }
}
