package cohort.coordinator.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A contiguous run of a job's inputs sent to one node at once.
 *
 * @param id unique within the job: a result for an id no longer in flight is a duplicate
 * @param firstIndex the job-wide index of the first input
 * @param inputs the inputs
 * @param attempt 1 when these inputs run for the first time
 */
public record Batch(long id, long firstIndex, List<JsonNode> inputs, int attempt) {
  public Batch {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one input");
    }
    inputs = List.copyOf(inputs);
  }

  /** How many inputs the batch holds. */
  public int size() {
    return inputs.size();
  }
}
