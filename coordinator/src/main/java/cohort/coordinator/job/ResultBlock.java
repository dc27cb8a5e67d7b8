package cohort.coordinator.job;

import cohort.api.Result;
import cohort.api.TaskError;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The final results of a contiguous run of inputs, as a job releases them: inputs and outputs side
 * by side, with the few inputs that failed and why. A block of a batch that went well holds the
 * batch's own lists, so thousands of results cost no object each on their way to disk.
 *
 * @param firstIndex the job-wide index of the first result
 * @param inputs the inputs, one per result
 * @param outputs the outputs, one per result; a placeholder where the input failed
 * @param errors the failures by offset in the block; usually empty
 */
public record ResultBlock(
    long firstIndex,
    List<JsonNode> inputs,
    List<JsonNode> outputs,
    Map<Integer, TaskError> errors) {

  public ResultBlock {
    if (inputs.size() != outputs.size()) {
      throw new IllegalArgumentException(
          "a block has " + inputs.size() + " inputs and " + outputs.size() + " outputs");
    }
    errors = Map.copyOf(errors);
  }

  /** A block of one failed input. */
  public static ResultBlock failed(long index, JsonNode input, TaskError error) {
    return new ResultBlock(
        index,
        List.of(input),
        List.of(com.fasterxml.jackson.databind.node.NullNode.getInstance()),
        Map.of(0, error));
  }

  /** How many results the block holds. */
  public int size() {
    return inputs.size();
  }

  /** Whether the result at {@code offset} is an output. */
  public boolean succeeded(int offset) {
    return errors.isEmpty() || !errors.containsKey(offset);
  }

  /** The result at {@code offset} as the API shows it. */
  public Result result(int offset) {
    TaskError error = errors.isEmpty() ? null : errors.get(offset);
    return error == null
        ? Result.ok(firstIndex + offset, inputs.get(offset), outputs.get(offset))
        : Result.failed(firstIndex + offset, inputs.get(offset), error);
  }

  /** Every result of the block, one object each: for tests and small jobs. */
  public List<Result> results() {
    List<Result> list = new ArrayList<>(size());
    for (int offset = 0; offset < size(); offset++) {
      list.add(result(offset));
    }
    return list;
  }
}
