package cohort.coordinator.job;

import cohort.api.TaskError;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A contiguous run of a job's inputs sent to one node at once, with the history its inputs share. A
 * fresh batch has none; an input that runs again after a failure travels alone, carrying its
 * counts, so one input's failures never count against another.
 *
 * @param id unique within the job: a result for an id no longer in flight is a duplicate
 * @param firstIndex the job-wide index of the first input
 * @param inputs the inputs
 * @param attempt 1 when these inputs run for the first time
 * @param taskFailures times the task threw on these inputs (limited by the job's retries)
 * @param systemFailures times these inputs timed out or their node was lost (limited by
 *     max-attempts)
 * @param failedOn addresses of the nodes where they failed, avoided where another node can run them
 * @param lastError the last failure, shown if the inputs run out of attempts; null on fresh batches
 */
public record Batch(
    long id,
    long firstIndex,
    Values inputs,
    int attempt,
    int taskFailures,
    int systemFailures,
    Set<String> failedOn,
    TaskError lastError) {

  public Batch {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one input");
    }
    Objects.requireNonNull(inputs, "inputs");
    failedOn = Set.copyOf(failedOn);
  }

  /** A batch of inputs that run for the first time. */
  public static Batch fresh(long id, long firstIndex, List<? extends JsonNode> inputs) {
    return new Batch(id, firstIndex, Values.of(inputs), 1, 0, 0, Set.of(), null);
  }

  /** How many inputs the batch holds. */
  public int size() {
    return inputs.size();
  }

  /** Whether these inputs should rather not run on {@code node} again. */
  public boolean failedOn(String node) {
    return failedOn.contains(node);
  }
}
