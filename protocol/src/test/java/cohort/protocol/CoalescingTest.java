package cohort.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescingTest {

  /** Tests that groups keep the items' order, small ones together, large ones alone in place. */
  @Test
  void groupsKeepOrder() {
    List<Integer> sizes = List.of(1, 2, 40, 3, 16, 17, 1);
    List<List<Integer>> groups =
        Coalescing.groups(sizes, size -> Coalescing.small(size), size -> 10L);
    assertThat(groups)
        .containsExactly(List.of(1, 2), List.of(40), List.of(3, 16), List.of(17), List.of(1));
  }

  /** Tests that a group holds at most 64 items and about a message's bytes, never less than one. */
  @Test
  void groupsAreBounded() {
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(1);
    }
    assertThat(Coalescing.groups(many, x -> true, x -> 1L))
        .extracting(List::size)
        .containsExactly(64, 64, 64, 8);
    long big = Payloads.TARGET_MESSAGE_BYTES / 2 + 1;
    assertThat(Coalescing.groups(List.of(1, 2, 3), x -> true, x -> big))
        .extracting(List::size)
        .containsExactly(1, 1, 1);
  }

  /** Tests that a run is the small batches in a row, or a large one alone. */
  @Test
  void runsTakeSmallBatchesInARow() {
    assertThat(Coalescing.runLength(List.of(1, 2, 3, 40, 1), size -> size)).isEqualTo(3);
    assertThat(Coalescing.runLength(List.of(40, 1), size -> size)).isEqualTo(1);
    assertThat(Coalescing.runLength(List.<Integer>of(), size -> size)).isZero();
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(1);
    }
    assertThat(Coalescing.runLength(many, size -> size)).isEqualTo(Coalescing.MAX_TOGETHER);
  }
}
