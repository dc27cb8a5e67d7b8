package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputSamplesTest {

  /** Tests that the first inputs of each kind of source are sampled, at most eight. */
  @Test
  void samplesTheFirstInputs() {
    assertThat(InputSamples.first(InputSource.range(5, 1_000_000_000L)))
        .extracting(JsonNode::longValue)
        .containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    assertThat(InputSamples.first(InputSource.split(0, 100, 2)))
        .containsExactly(
            JsonNodeFactory.instance.objectNode().put("start", 0L).put("end", 50L),
            JsonNodeFactory.instance.objectNode().put("start", 50L).put("end", 100L));
    assertThat(InputSamples.first(InputSource.of(List.of(IntNode.valueOf(1)))))
        .containsExactly(IntNode.valueOf(1));
    assertThat(InputSamples.first(InputSource.of(List.of()))).isEmpty();
    assertThat(InputSamples.first(InputSource.streamed())).isEmpty();
  }

  /** Tests that samples stay within one small message, but the first goes whatever its size. */
  @Test
  void samplesFitOneMessage() {
    JsonNode large = TextNode.valueOf("x".repeat(60 * 1024));
    assertThat(InputSamples.within(List.of(large, large, large), 8)).hasSize(1);
    JsonNode huge = TextNode.valueOf("x".repeat(150 * 1024));
    assertThat(InputSamples.within(List.of(huge, IntNode.valueOf(1)), 8)).containsExactly(huge);
    assertThat(InputSamples.within(List.of(IntNode.valueOf(1), IntNode.valueOf(2)), 1))
        .containsExactly(IntNode.valueOf(1));
  }

  /** Tests the refusal's words, with the hint a range gives and the one a split range gives. */
  @Test
  void refusalSaysWhatToDo() {
    String misfit = "task 'sum-range' takes object {start: integer, end: integer} inputs, not 0";
    assertThat(InputSamples.refusal(misfit, 8, InputSource.range(0, 100).misfitHint()))
        .isEqualTo(
            "the job's inputs do not fit its task: task 'sum-range' takes object {start: integer,"
                + " end: integer} inputs, not 0 (input 0, and none of the first 8 inputs fits); a"
                + " 'range' gives the task each integer as one input: add \"split\": K to give it"
                + " K parts {\"start\":a,\"end\":b} of the range instead (cohort submit: --split"
                + " K)");
    assertThat(InputSamples.refusal("no", 1, InputSource.split(0, 10, 2).misfitHint()))
        .isEqualTo(
            "the job's inputs do not fit its task: no (input 0); with 'split' each input is a"
                + " part {\"start\":a,\"end\":b} of the range: leave 'split' out to give the task"
                + " each integer instead (cohort submit: no --split)");
    assertThat(
            InputSamples.refusal(
                "no", 2, InputSource.of(List.of(LongNode.valueOf(1))).misfitHint()))
        .isEqualTo(
            "the job's inputs do not fit its task: no (input 0, and none of the first 2"
                + " inputs fits)");
  }
}
