package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamedInputsTest {

  private static List<JsonNode> longs(long from, long to) {
    List<JsonNode> list = new ArrayList<>();
    for (long i = from; i < to; i++) {
      list.add(LongNode.valueOf(i));
    }
    return list;
  }

  /** Tests that inputs keep their job-wide index as the buffer wraps, grows and lets go. */
  @Test
  void keepsIndexesAcrossWrapsAndReleases() {
    StreamedInputs inputs = InputSource.streamed();
    long next = 0;
    long released = 0;
    for (int round = 0; round < 50; round++) {
      int add = 17 + round * 3;
      inputs.append(longs(next, next + add));
      next += add;
      for (long i = released; i < next; i++) {
        assertThat(inputs.get(i).longValue()).isEqualTo(i);
      }
      released = next - round % 5;
      inputs.releaseBefore(released);
      assertThat(inputs.buffered()).isEqualTo((int) (next - released));
    }
    assertThat(inputs.size()).isEqualTo(next);
    long gone = released - 1;
    assertThatThrownBy(() -> inputs.get(gone)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
