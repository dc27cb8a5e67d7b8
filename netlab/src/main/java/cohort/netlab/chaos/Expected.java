package cohort.netlab.chaos;

import cohort.api.Result;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a job must return: one output per input index, each the one {@code outputs} gives, and, for
 * a summed job, the exact sum.
 *
 * @param outputs the expected output of each input, by index
 * @param sum the exact combined value, for a job with {@code --combine sum}
 */
public record Expected(List<JsonNode> outputs, Optional<Long> sum) {

  public Expected {
    outputs = List.copyOf(outputs);
  }

  /**
   * Checks a job's results, in any order, and its combined value.
   *
   * @param results every result the job returned
   * @param combined the combined value its status reports (null when none)
   * @param view the part of an output that is compared (all of it, or exec's standard output)
   */
  public Verdict check(List<Result> results, JsonNode combined, UnaryOperator<JsonNode> view) {
    int[] seen = new int[outputs.size()];
    long duplicated = 0;
    long wrong = 0;
    for (Result result : results) {
      long index = result.index();
      if (index < 0 || index >= outputs.size()) {
        wrong++;
        continue;
      }
      if (++seen[(int) index] > 1) {
        duplicated++;
      } else if (result.error() != null
          || !same(outputs.get((int) index), view.apply(result.output()))) {
        wrong++;
      }
    }
    long lost = 0;
    for (int count : seen) {
      if (count == 0) {
        lost++;
      }
    }
    long wrongCombined =
        sum.isPresent() && (combined == null || combined.longValue() != sum.get()) ? 1 : 0;
    return new Verdict(outputs.size(), lost, duplicated, wrong, wrongCombined);
  }

  /** Equal values, numbers by value: a result read back may be an int where a long was sent. */
  private static boolean same(JsonNode expected, JsonNode actual) {
    if (actual == null) {
      return false;
    }
    if (expected.isIntegralNumber() && actual.isIntegralNumber()) {
      return expected.longValue() == actual.longValue();
    }
    return expected.equals(actual);
  }
}
