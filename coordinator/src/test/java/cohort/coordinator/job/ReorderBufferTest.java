package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {

  private static ResultBlock block(long from, int size) {
    List<JsonNode> values =
        LongStream.range(from, from + size).mapToObj(i -> (JsonNode) LongNode.valueOf(i)).toList();
    return new ResultBlock(from, Values.of(values), Values.of(values), Map.of());
  }

  /** Tests that blocks leave in input order, each once, whatever order they arrive in. */
  @Test
  void releasesInInputOrderWhateverTheArrival() {
    for (int seed = 0; seed < 50; seed++) {
      List<ResultBlock> blocks = new ArrayList<>();
      long at = 0;
      Random random = new Random(seed);
      while (at < 500) {
        int size = 1 + random.nextInt(9);
        blocks.add(block(at, size));
        at += size;
      }
      Collections.shuffle(blocks, random);
      ReorderBuffer buffer = ReorderBuffer.empty();
      List<Long> out = new ArrayList<>();
      for (ResultBlock block : blocks) {
        ReorderBuffer.Released released = buffer.add(List.of(block));
        buffer = released.buffer();
        released.ready().forEach(b -> b.results().forEach(r -> out.add(r.index())));
      }
      assertThat(out).isEqualTo(LongStream.range(0, at).boxed().toList());
      assertThat(buffer.next()).isEqualTo(at);
      assertThat(buffer.size()).isZero();
    }
  }

  /** Tests that what waits is kept in order, for a cancelled job to let out. */
  @Test
  void keepsWaitingBlocksInOrder() {
    ReorderBuffer.Released released = ReorderBuffer.empty().add(List.of(block(9, 1), block(4, 2)));
    assertThat(released.ready()).isEmpty();
    assertThat(released.buffer().waiting())
        .extracting(ResultBlock::firstIndex)
        .containsExactly(4L, 9L);
    assertThat(released.buffer().next()).isZero();
  }

  /** Tests that the same results twice are refused: they would reach the client twice. */
  @Test
  void refusesResultsTwice() {
    ReorderBuffer buffer = ReorderBuffer.empty().add(List.of(block(0, 2), block(5, 1))).buffer();
    assertThatThrownBy(() -> buffer.add(List.of(block(0, 2))))
        .hasMessageContaining("arrived twice");
    assertThatThrownBy(() -> buffer.add(List.of(block(5, 1))))
        .hasMessageContaining("arrived twice");
  }
}
