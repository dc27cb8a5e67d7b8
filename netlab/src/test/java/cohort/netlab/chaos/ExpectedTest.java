package cohort.netlab.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.Result;
import cohort.api.TaskError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ExpectedTest {

  private static final UnaryOperator<JsonNode> WHOLE = output -> output;

  private final List<JsonNode> inputs =
      List.of(LongNode.valueOf(5), LongNode.valueOf(7), LongNode.valueOf(11));
  private final Expected expected = new Expected(inputs, Optional.of(23L));

  /** Tests that every result once, in any order, with the exact sum, is clean. */
  @Test
  void everyResultOnceInAnyOrderIsClean() {
    List<Result> results = new ArrayList<>();
    results.add(Result.ok(2, null, IntNode.valueOf(11)));
    results.add(Result.ok(0, null, LongNode.valueOf(5)));
    results.add(Result.ok(1, null, IntNode.valueOf(7)));
    Verdict verdict = expected.check(results, LongNode.valueOf(23), WHOLE);
    assertThat(verdict.clean()).as(verdict.toString()).isTrue();
    assertThat(verdict.inputs()).isEqualTo(3);
  }

  /** Tests that a missing index is lost and a second result for one is a duplicate. */
  @Test
  void countsLostAndDuplicated() {
    List<Result> results =
        List.of(
            Result.ok(0, null, LongNode.valueOf(5)),
            Result.ok(0, null, LongNode.valueOf(5)),
            Result.ok(2, null, LongNode.valueOf(11)));
    Verdict verdict = expected.check(results, LongNode.valueOf(23), WHOLE);
    assertThat(verdict).isEqualTo(new Verdict(3, 1, 1, 0, 0));
  }

  /** Tests that a wrong output, an error and an index out of range are wrong. */
  @Test
  void countsWrongOutputsAndErrors() {
    List<Result> results =
        List.of(
            Result.ok(0, null, LongNode.valueOf(6)),
            Result.failed(1, null, new TaskError("Boom", "it broke", null, 1, null)),
            Result.ok(2, null, LongNode.valueOf(11)),
            Result.ok(9, null, LongNode.valueOf(1)));
    assertThat(expected.check(results, LongNode.valueOf(23), WHOLE).wrong()).isEqualTo(3);
  }

  /** Tests that a combined value off by one, or missing, is a wrong combined value. */
  @Test
  void aWrongOrMissingSumIsWrong() {
    List<Result> results =
        List.of(
            Result.ok(0, null, LongNode.valueOf(5)),
            Result.ok(1, null, LongNode.valueOf(7)),
            Result.ok(2, null, LongNode.valueOf(11)));
    assertThat(expected.check(results, LongNode.valueOf(24), WHOLE).wrongCombined()).isEqualTo(1);
    assertThat(expected.check(results, null, WHOLE).wrongCombined()).isEqualTo(1);
  }

  /** Tests that exec's results are compared by their standard output only. */
  @Test
  void execResultsAreComparedByTheirOutput() {
    Expected echo = new Expected(List.of(TextNode.valueOf("w1\n")), Optional.empty());
    var result = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    result.put("exit", 0).put("stdout", "w1\n").put("millis", 3);
    Verdict verdict =
        echo.check(List.of(Result.ok(0, null, result)), null, Workload.EXEC::comparable);
    assertThat(verdict.clean()).isTrue();
  }
}
