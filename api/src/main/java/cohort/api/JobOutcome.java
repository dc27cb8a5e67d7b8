package cohort.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to {@code POST /jobs?wait=...}: the job's status and, when it ended within the wait,
 * its results, like a blocking {@code Pool.map} or Ray's {@code ray.get}.
 *
 * @param job the job's status; not terminal when the wait ran out first
 * @param results every result in delivery order; null when the wait ran out or the job had too many
 *     results to answer with at once, and then {@code GET /jobs/{id}/results} has them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobOutcome(JobStatus job, List<Result> results) {

  /** Whether the results are all here. */
  public boolean complete() {
    return results != null && job.state().terminal();
  }
}
