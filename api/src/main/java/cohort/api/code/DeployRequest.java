package cohort.api.code;

import java.util.List;

/**
 * The body of {@code POST /deployments}: jars already uploaded with {@code PUT /code/{sha256}}.
 *
 * @param code the jars, the one with the tasks first
 * @param names their file names, in the same order, for people to recognise; may be empty
 */
public record DeployRequest(CodeRef code, List<String> names) {
  public DeployRequest {
    names = names == null ? List.of() : List.copyOf(names);
  }
}
