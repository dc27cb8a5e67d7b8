package cohort.coordinator.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.coordinator.ClientRequests.Refusal;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.IntegerRange;
import org.junit.jupiter.api.Test;

class JobLimitsTest {

  private final JobLimits limits = new JobLimits(2, 100);

  /** Tests that a coordinator running its most jobs refuses the next with BUSY (429). */
  @Test
  void aFullCoordinatorSaysTryAgain() {
    InputSource ten = InputSource.range(IntegerRange.parse("0..10"));
    assertThat(limits.onSubmit(1, ten)).isEmpty();
    assertThat(limits.onSubmit(2, ten))
        .hasValueSatisfying(
            refused -> {
              assertThat(refused.why()).isEqualTo(Refusal.BUSY);
              assertThat(refused.why().httpStatus()).isEqualTo(429);
              assertThat(refused.error()).contains("runs 2 jobs, its most").contains("try again");
            });
  }

  /** Tests that a job, or a stream's upload, beyond the most inputs is refused with 413. */
  @Test
  void tooManyInputsAreRefused() {
    assertThat(limits.onSubmit(0, InputSource.range(IntegerRange.parse("0..100")))).isEmpty();
    assertThat(limits.onSubmit(0, InputSource.range(IntegerRange.parse("0..101"))))
        .hasValueSatisfying(
            refused -> {
              assertThat(refused.why().httpStatus()).isEqualTo(413);
              assertThat(refused.error()).contains("at most 100 inputs").contains("would have 101");
            });
    assertThat(limits.onAdd(90, 10)).isEmpty();
    assertThat(limits.onAdd(90, 11)).isPresent();
    assertThatThrownBy(() -> new JobLimits(0, 1)).hasMessageContaining("must be 1 or more");
  }
}
