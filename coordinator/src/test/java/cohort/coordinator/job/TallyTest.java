package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskError;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TallyTest {

  /** Tests that successes and failures are counted and only outputs are combined. */
  @Test
  void countsAndCombinesOutputs() {
    List<JsonNode> inputs = List.of(LongNode.valueOf(0), LongNode.valueOf(1), LongNode.valueOf(2));
    List<JsonNode> outputs =
        List.of(LongNode.valueOf(10), NullNode.getInstance(), LongNode.valueOf(5));
    ResultBlock block =
        new ResultBlock(
            0,
            Values.of(inputs),
            Values.of(outputs),
            Map.of(1, new TaskError("x", "no", null, 1, null)));
    Tally tally = Tally.NONE.add(block, Combiner.SUM).add(block, Combiner.SUM);
    assertThat(tally.succeeded()).isEqualTo(4);
    assertThat(tally.failed()).isEqualTo(2);
    assertThat(tally.delivered()).isEqualTo(6);
    assertThat(Combiner.SUM.result(tally.combined()).longValue()).isEqualTo(30);
    assertThat(tally.combineError()).isNull();
  }

  /** Tests that an output the combiner cannot take stops combining, with the reason. */
  @Test
  void aBadOutputStopsCombining() {
    List<JsonNode> values = List.of(TextNode.valueOf("a"));
    Tally tally =
        Tally.NONE.add(
            new ResultBlock(0, Values.of(values), Values.of(values), Map.of()), Combiner.SUM);
    assertThat(tally.combineError()).contains("sum needs numbers");
    assertThat(tally.combined()).isNull();
    List<JsonNode> more = List.of(LongNode.valueOf(3));
    tally = tally.add(new ResultBlock(1, Values.of(more), Values.of(more), Map.of()), Combiner.SUM);
    assertThat(tally.combined()).isNull();
    assertThat(tally.succeeded()).isEqualTo(2);
  }
}
