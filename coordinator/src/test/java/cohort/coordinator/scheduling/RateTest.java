package cohort.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Tests the forms a rate may take. */
  @Test
  void parses() {
    assertThat(Rate.parse("100/s", "'rate'").perSecond()).isEqualTo(100);
    assertThat(Rate.parse(" 30 / m ", "'rate'").perSecond()).isEqualTo(0.5);
    assertThat(Rate.parse("2.5/h", "'rate'").perSecond()).isEqualTo(2.5 / 3600);
    assertThat(Rate.parse("7/SEC", "'rate'").text()).isEqualTo("7/SEC");
  }

  /** Tests that a wrong rate is refused in plain words. */
  @Test
  void refusesWhatIsNotARate() {
    assertThatThrownBy(() -> Rate.parse("fast", "'rate'"))
        .hasMessage(
            "'rate' is \"fast\"; write inputs per second, minute or hour, such as 100/s, 30/m or"
                + " 2.5/h");
    assertThatThrownBy(() -> Rate.parse("100", "--rate")).hasMessageContaining("--rate is \"100\"");
    assertThatThrownBy(() -> Rate.parse("0/s", "'rate'")).hasMessageContaining("not between");
    assertThatThrownBy(() -> Rate.parse("9000000/s", "'rate'")).hasMessageContaining("not between");
  }

  /** Tests that a bucket starts with a burst, refills at the rate, and pays back a debt. */
  @Test
  void bucketRefillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(Rate.parse("100/s", "r"), T0);
    assertThat(bucket.available(T0)).isEqualTo(10); // a tenth of a second's worth
    bucket.take(15); // a batch sent again keeps its size: 5 owed
    assertThat(bucket.available(T0)).isEqualTo(-5);
    assertThat(bucket.nextToken(T0)).isEqualTo(T0.plusMillis(60));
    assertThat(bucket.available(T0.plusMillis(60)))
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(bucket.available(T0.plusSeconds(10))).isEqualTo(10); // never beyond the burst
  }

  /** Tests that a slow rate still lets one input through at a time. */
  @Test
  void slowRateHasABurstOfOne() {
    TokenBucket bucket = new TokenBucket(Rate.parse("30/m", "r"), T0);
    assertThat(bucket.available(T0)).isEqualTo(1);
    bucket.take(1);
    assertThat(bucket.nextToken(T0)).isEqualTo(T0.plusSeconds(2));
  }
}
