package cohort.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  /** Tests every unit, fractions, spaces, and that a bare number is seconds. */
  @Test
  void readsNumbersWithUnits() {
    assertThat(Durations.parse("500ms", "x")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s", "x")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("1.5s", "x")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("2m", "x")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h", "x")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse(" 10 ms ", "x")).isEqualTo(Duration.ofMillis(10));
    assertThat(Durations.parse("7", "x")).isEqualTo(Duration.ofSeconds(7));
  }

  /** Tests that what is not a positive duration is refused with the field's name and examples. */
  @Test
  void refusesWhatIsNotADuration() {
    assertThatThrownBy(() -> Durations.parse("soon", "wait"))
        .hasMessage("wait 'soon' is not a duration; write for example 500ms, 30s or 5m");
    assertThatThrownBy(() -> Durations.parse("-1s", "wait")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("5 days", "wait"))
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("", "wait")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse(null, "wait")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Durations.parse("0s", "'taskTimeout'"))
        .hasMessage("'taskTimeout' '0s' must be positive");
    assertThatThrownBy(() -> Durations.parse("0.0000001ms", "x"))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> Durations.parse("999999999999h", "x"))
        .hasMessageContaining("too long");
  }
}
