package cohort.api.code;

import cohort.api.TaskInfo;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * Jars deployed to the cluster with {@code cohort deploy} ({@code POST /deployments}): the
 * coordinator keeps them, and a job that names one of their tasks runs their code on any node,
 * including nodes that join later.
 *
 * @param code the jars
 * @param names the jars' file names as the client had them, for people to recognise
 * @param tasks the tasks the jars offer, as a node described them when they were deployed
 * @param deployedAt when, ISO-8601
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Deployment(
    CodeRef code, List<String> names, List<TaskInfo> tasks, String deployedAt) {
  public Deployment {
    Objects.requireNonNull(code, "code");
    names = names == null ? List.of() : List.copyOf(names);
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
  }

  /** Where its tasks come from, as {@code cohort tasks} shows it. */
  public String origin() {
    String first = names.isEmpty() ? "" : " " + names.get(0);
    return "deployed" + first + " (" + CodeRef.shortDigest(code.jars().get(0)) + ")";
  }
}
