package cohort.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A streamed upload's inputs kept until the coordinator has them, to go on after a restart. */
class ReplayableInputsTest {

  private static List<Integer> take(Iterator<JsonNode> inputs, int count) {
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < count && inputs.hasNext(); i++) {
      taken.add(inputs.next().intValue());
    }
    return taken;
  }

  /**
   * Tests that an upload that broke goes on from the coordinator's count: the kept inputs again,
   * then the source's next, each read from the source once; and that inputs the coordinator has are
   * let go, so going back before them is refused with a message.
   */
  @Test
  void goesOnFromTheCoordinatorsCount() {
    int[] read = {0};
    Iterator<JsonNode> source =
        IntStream.range(0, 10)
            .mapToObj(
                i -> {
                  read[0]++;
                  return (JsonNode) IntNode.valueOf(i);
                })
            .iterator();
    ReplayableInputs inputs = new ReplayableInputs(source);

    assertThat(take(inputs.from(0), 6)).containsExactly(0, 1, 2, 3, 4, 5);
    inputs.trimBefore(2);
    // The upload broke; the coordinator had 4 of the 6 sent.
    assertThat(take(inputs.from(4), 10)).containsExactly(4, 5, 6, 7, 8, 9);
    assertThat(read[0]).isEqualTo(10);
    inputs.trimBefore(8);
    assertThat(take(inputs.from(8), 10)).containsExactly(8, 9);
    assertThatThrownBy(() -> inputs.from(3))
        .hasMessage(
            "the coordinator has 3 inputs, but this upload kept inputs 8 to 10 only; submit the"
                + " job again");
  }
}
