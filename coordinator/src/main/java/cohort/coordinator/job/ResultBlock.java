package cohort.coordinator.job;

import cohort.api.Result;
import cohort.api.TaskError;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.node.NullNode;
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
 * @param origin where and when the block's inputs ran, for the job log
 * @param counters what the attempts that made these results added to the job's counters
 */
public record ResultBlock(
    long firstIndex,
    Values inputs,
    Values outputs,
    Map<Integer, TaskError> errors,
    Origin origin,
    Counters counters) {

  public ResultBlock {
    if (inputs.size() != outputs.size()) {
      throw new IllegalArgumentException(
          "a block has " + inputs.size() + " inputs and " + outputs.size() + " outputs");
    }
    errors = Map.copyOf(errors);
    java.util.Objects.requireNonNull(origin, "origin");
    java.util.Objects.requireNonNull(counters, "counters");
  }

  /** A block whose attempts added to no counter. */
  public ResultBlock(
      long firstIndex,
      Values inputs,
      Values outputs,
      Map<Integer, TaskError> errors,
      Origin origin) {
    this(firstIndex, inputs, outputs, errors, origin, Counters.NONE);
  }

  /** A block whose origin is not known. */
  public ResultBlock(
      long firstIndex, Values inputs, Values outputs, Map<Integer, TaskError> errors) {
    this(firstIndex, inputs, outputs, errors, Origin.UNKNOWN);
  }

  /**
   * A block of one failed input.
   *
   * @param input the input, as the one value of its run
   */
  public static ResultBlock failed(long index, Values input, TaskError error, Origin origin) {
    return failed(index, input, error, origin, Counters.NONE);
  }

  /** A block of one failed input whose attempt added {@code counters}. */
  public static ResultBlock failed(
      long index, Values input, TaskError error, Origin origin, Counters counters) {
    return new ResultBlock(index, input, NO_OUTPUT, Map.of(0, error), origin, counters);
  }

  private static final Values NO_OUTPUT = Values.of(List.of(NullNode.getInstance()));

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
