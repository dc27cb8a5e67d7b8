package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class InputSourceTest {

  /** Tests that a range yields its integers, end excluded, like Python's range. */
  @Test
  void rangeIsHalfOpen() {
    InputSource range = InputSource.range(-2, 3);
    assertThat(range.size()).isEqualTo(5);
    assertThat(range.get(0).longValue()).isEqualTo(-2);
    assertThat(range.get(4).longValue()).isEqualTo(2);
  }

  /** Tests that split parts cover the range exactly once, in order, and differ by at most one. */
  @Test
  void splitCoversTheRangeExactly() {
    InputSource parts = InputSource.split(0, 1_000_000_007L, 64);
    assertThat(parts.size()).isEqualTo(64);
    long expectedStart = 0;
    long smallest = Long.MAX_VALUE;
    long largest = 0;
    for (long i = 0; i < parts.size(); i++) {
      JsonNode part = parts.get(i);
      assertThat(part.get("start").longValue()).isEqualTo(expectedStart);
      long length = part.get("end").longValue() - part.get("start").longValue();
      smallest = Math.min(smallest, length);
      largest = Math.max(largest, length);
      expectedStart = part.get("end").longValue();
    }
    assertThat(expectedStart).isEqualTo(1_000_000_007L);
    assertThat(largest - smallest).isLessThanOrEqualTo(1);
  }

  /** Tests that a split of the whole 64-bit range does not overflow. */
  @Test
  void splitOfExtremeRange() {
    InputSource parts = InputSource.split(Long.MIN_VALUE, Long.MAX_VALUE, 3);
    assertThat(parts.get(0).get("start").longValue()).isEqualTo(Long.MIN_VALUE);
    assertThat(parts.get(2).get("end").longValue()).isEqualTo(Long.MAX_VALUE);
  }

  /** Tests that impossible splits are refused with the accepted range. */
  @Test
  void refusesBadSplits() {
    assertThatThrownBy(() -> InputSource.split(0, 10, 11))
        .hasMessageContaining("use 1 to 10 parts");
    assertThatThrownBy(() -> InputSource.split(0, 10, 0)).hasMessageContaining("parts");
    assertThatThrownBy(() -> InputSource.range(5, 1)).hasMessageContaining("ends before it starts");
  }
}
