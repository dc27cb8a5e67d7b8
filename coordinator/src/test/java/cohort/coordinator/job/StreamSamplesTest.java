package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.job.StreamSamples.Admit;
import cohort.coordinator.job.StreamSamples.Hold;
import cohort.coordinator.job.StreamSamples.Refuse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check of a streamed job's first inputs, part by part, with the node's verdicts played. */
class StreamSamplesTest {

  private static final String MISFIT = "task 'sleep' takes integer inputs, not \"a\"";

  private static List<JsonNode> words(int n) {
    List<JsonNode> words = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      words.add(TextNode.valueOf("w" + i));
    }
    return words;
  }

  /** Tests that a first part that fits goes in, and no later part is checked. */
  @Test
  void aFittingPartSettlesIt() {
    StreamSamples samples = new StreamSamples();
    List<JsonNode> part = words(20);
    assertThat(samples.toCheck(part)).isEqualTo(part.subList(0, 8));
    assertThat(samples.checked(part, 8, null)).isEqualTo(new Admit(part));
    assertThat(samples.toCheck(words(3))).isEmpty();
    assertThat(samples.checked(words(3), 0, null)).isEqualTo(new Admit(words(3)));
    assertThat(samples.ended()).isEqualTo(new Admit(List.of()));
  }

  /** Tests that a part of misfits waits for the next; one that fits then lets both in, in order. */
  @Test
  void misfitsWaitForMore() {
    StreamSamples samples = new StreamSamples();
    List<JsonNode> first = words(3);
    assertThat(samples.checked(first, samples.toCheck(first).size(), MISFIT)).isEqualTo(new Hold());
    List<JsonNode> second = List.of(IntNode.valueOf(1), IntNode.valueOf(2));
    assertThat(samples.toCheck(second)).isEqualTo(second);
    List<JsonNode> both = new ArrayList<>(first);
    both.addAll(second);
    assertThat(samples.checked(second, 2, null)).isEqualTo(new Admit(both));
  }

  /** Tests that eight misfits refuse the job with the first one's words. */
  @Test
  void eightMisfitsRefuse() {
    StreamSamples samples = new StreamSamples();
    assertThat(samples.checked(words(5), 5, MISFIT)).isEqualTo(new Hold());
    assertThat(samples.toCheck(words(5))).hasSize(3);
    assertThat(samples.checked(words(5), 3, "another"))
        .isEqualTo(
            new Refuse(
                "the job's inputs do not fit its task: "
                    + MISFIT
                    + " (input 0, and none of the first 8 inputs fits)"));
  }

  /** Tests that an upload that ends with only misfits refuses the job. */
  @Test
  void anEndWithOnlyMisfitsRefuses() {
    StreamSamples samples = new StreamSamples();
    assertThat(samples.checked(words(2), 2, MISFIT)).isEqualTo(new Hold());
    assertThat(samples.ended())
        .isEqualTo(
            new Refuse(
                "the job's inputs do not fit its task: "
                    + MISFIT
                    + " (input 0, and none of the first 2 inputs fits)"));
  }

  /** Tests that inputs too large to check with the first go in unchecked at the end. */
  @Test
  void uncheckedInputsGoInAtTheEnd() {
    StreamSamples samples = new StreamSamples();
    JsonNode large = TextNode.valueOf("x".repeat(97 * 1024));
    List<JsonNode> part = List.of(TextNode.valueOf("a"), large);
    assertThat(samples.toCheck(part)).hasSize(1).first().isEqualTo(TextNode.valueOf("a"));
    assertThat(samples.checked(part, 1, MISFIT)).isEqualTo(new Hold());
    assertThat(samples.toCheck(List.of())).hasSize(1).first().isSameAs(large);
    assertThat(samples.ended() instanceof Admit admit && admit.inputs().equals(part))
        .as("what was held goes in")
        .isTrue();
  }

  /** Tests that inputs no node could check go in, and the rest are not checked. */
  @Test
  void uncheckableInputsGoIn() {
    StreamSamples samples = new StreamSamples();
    assertThat(samples.unchecked(words(2))).isEqualTo(new Admit(words(2)));
    assertThat(samples.toCheck(words(2))).isEmpty();
  }
}
