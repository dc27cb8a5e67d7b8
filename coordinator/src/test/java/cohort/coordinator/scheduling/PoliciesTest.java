package cohort.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {

  private static JobRequest echo() {
    return JobRequest.of("echo", List.of());
  }

  /** Tests that a request without scheduling fields asks for nothing. */
  @Test
  void noneByDefault() {
    assertThat(Policies.of(echo())).isSameAs(JobPolicy.NONE);
    assertThat(JobPolicy.NONE.any()).isFalse();
  }

  /** Tests that every field reaches the policy. */
  @Test
  void readsEveryField() {
    JobPolicy policy =
        Policies.of(
            echo()
                .withPriority(5)
                .withMaxRunning(3)
                .withLimits(Map.of("db", 4))
                .withRate("10/s")
                .withRates(Map.of("api", "60/m")));
    assertThat(policy.priority()).isEqualTo(5);
    assertThat(policy.maxRunning()).isEqualTo(3);
    assertThat(policy.limits()).containsExactly(Map.entry("db", 4));
    assertThat(policy.rate().perSecond()).isEqualTo(10);
    assertThat(policy.rates().get("api").perSecond()).isEqualTo(1);
    assertThat(policy.capped()).isTrue();
    assertThat(policy.describe())
        .isEqualTo("priority 5, max-running 3, limit db=4, rate 10/s, rate api=60/m");
    assertThat(JobPolicy.NONE.describe()).isNull();
  }

  /** Tests that bad values are refused in plain words that say the fix. */
  @Test
  void refusesBadValues() {
    assertThatThrownBy(() -> Policies.of(echo().withPriority(5000)))
        .hasMessageContaining(
            "priority 5000 is out of range: use a whole number from -1000 to 1000");
    assertThatThrownBy(() -> Policies.of(echo().withMaxRunning(0)))
        .hasMessageContaining("'maxRunning' is 0");
    assertThatThrownBy(() -> Policies.of(echo().withLimits(Map.of("db", 0))))
        .hasMessageContaining("the limit db=0 needs a whole number of slots");
    assertThatThrownBy(() -> Policies.of(echo().withLimits(Map.of("my db", 2))))
        .hasMessageContaining("the limit name \"my db\" is not a name");
    assertThatThrownBy(() -> Policies.of(echo().withRates(Map.of("api", "lots"))))
        .hasMessageContaining("the rate of 'api' is \"lots\"");
    assertThatThrownBy(() -> Policies.of(echo().withRate("5")))
        .hasMessageContaining("'rate' is \"5\"");
  }
}
