package cohort.node.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SumRangeTaskTest {

  /** The closed form of the sum of [a, b): (b - a)(a + b - 1) / 2. */
  private static BigInteger gauss(long a, long b) {
    BigInteger start = BigInteger.valueOf(a);
    BigInteger end = BigInteger.valueOf(b);
    return end.subtract(start).multiply(start.add(end).subtract(BigInteger.ONE)).shiftRight(1);
  }

  /** Tests the documents' example: the sum of 0..10^9. */
  @Test
  void sumsTheDocumentsExample() throws Exception {
    assertThat(SumRangeTask.sum(0, 1_000_000_000L, null))
        .isEqualTo(new BigInteger("499999999500000000"));
  }

  /** Tests that sums are exact where a long would overflow, including negative ranges. */
  @Test
  void sumsExactlyBeyond64Bits() throws Exception {
    long[][] ranges = {
      {Long.MAX_VALUE - 5_000_000, Long.MAX_VALUE},
      {Long.MIN_VALUE, Long.MIN_VALUE + 5_000_000},
      {-3_000_000, 3_000_001},
      {(1L << 40) - 10, (1L << 40) + 10},
      {7, 7},
    };
    for (long[] range : ranges) {
      assertThat(SumRangeTask.sum(range[0], range[1], null))
          .as("sum of %d..%d", range[0], range[1])
          .isEqualTo(gauss(range[0], range[1]));
    }
  }

  /** Tests that a reversed range is refused. */
  @Test
  void refusesReversedRange() {
    assertThatThrownBy(() -> new SumRangeTask().run(new Span(5, 1), null, null))
        .hasMessageContaining("ends before it starts");
  }
}
