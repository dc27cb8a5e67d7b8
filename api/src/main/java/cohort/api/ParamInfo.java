package cohort.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One parameter a task accepts, as {@code GET /tasks} and {@code cohort tasks} show it.
 *
 * @param name the key given with {@code -p name=value}
 * @param type a readable type name such as {@code integer} or {@code string}
 * @param description what the parameter does, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParamInfo(String name, String type, String description) {}
