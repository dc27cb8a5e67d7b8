package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IntegerRangeTest {

  /** Tests that A..B reads with signs, spaces and underscores, end excluded. */
  @Test
  void parses() {
    assertThat(IntegerRange.parse("0..10")).isEqualTo(new IntegerRange(0, 10));
    assertThat(IntegerRange.parse(" -5 .. 1_000 ")).isEqualTo(new IntegerRange(-5, 1000));
    assertThat(IntegerRange.parse("3..3").size()).isZero();
  }

  /** Tests each way a range is wrong, each with its own message. */
  @Test
  void refusesWhatIsNotARange() {
    assertThatThrownBy(() -> IntegerRange.parse("0...5")).hasMessageContaining("is not A..B");
    assertThatThrownBy(() -> IntegerRange.parse("_1..5")).hasMessageContaining("is not A..B");
    assertThatThrownBy(() -> IntegerRange.parse("9..5"))
        .hasMessage("range 9..5 ends before it starts; write the smaller number first");
    assertThatThrownBy(() -> IntegerRange.parse("0..99999999999999999999"))
        .hasMessageContaining("64-bit");
    IntegerRange all = new IntegerRange(Long.MIN_VALUE, Long.MAX_VALUE);
    assertThatThrownBy(all::size).hasMessageContaining("cut it into parts with split");
  }
}
