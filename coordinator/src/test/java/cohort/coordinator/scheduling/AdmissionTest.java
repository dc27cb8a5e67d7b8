package cohort.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  private static Admission.Candidate job(String id, int priority) {
    return new Admission.Candidate(id, priority, false);
  }

  /** Tests that beyond the cap jobs wait, highest priority first, then in the order they came. */
  @Test
  void waitsInPriorityOrderBeyondTheCap() {
    Admission admission = new Admission(2);
    admission.update(List.of(job("a", 0), job("b", 0), job("c", 0), job("d", 5), job("e", 0)));

    // d came fourth but has the highest priority: it is let in first, then a.
    assertThat(admission.admitted("d")).isTrue();
    assertThat(admission.admitted("a")).isTrue();
    assertThat(admission.admitted("b")).isFalse();
    assertThat(admission.waiting("b"))
        .contains(
            "in line for one of the 2 running-job places (cohort.coordinator.max-running-jobs): 1"
                + " of 3");
    assertThat(admission.waiting("e")).get().asString().contains("3 of 3");
    assertThat(admission.waiting("a")).isEmpty();
    assertThat(admission.waitingCount()).isEqualTo(3);
  }

  /** Tests that a job once let in stays in, even when a higher priority comes. */
  @Test
  void aJobLetInRunsToItsEnd() {
    Admission admission = new Admission(1);
    admission.update(List.of(job("a", 0)));
    admission.update(List.of(job("a", 0), job("b", 9)));
    assertThat(admission.admitted("a")).isTrue();
    assertThat(admission.waiting("b")).get().asString().contains("1 of 1");

    admission.update(List.of(job("b", 9))); // a ended
    assertThat(admission.admitted("b")).isTrue();
    assertThat(admission.waitingCount()).isZero();
  }

  /** Tests that a job that already sent work is in, whatever the cap (recovered after restart). */
  @Test
  void startedJobsAreIn() {
    Admission admission = new Admission(1);
    admission.update(
        List.of(
            new Admission.Candidate("a", 0, true),
            new Admission.Candidate("b", 0, true),
            job("c", 0)));
    assertThat(admission.admitted("a")).isTrue();
    assertThat(admission.admitted("b")).isTrue();
    assertThat(admission.admitted("c")).isFalse();
  }

  /** Tests that no cap lets everything in. */
  @Test
  void noCap() {
    Admission admission = new Admission(0);
    admission.update(List.of(job("a", 0), job("b", 0)));
    assertThat(admission.admitted("b")).isTrue();
    assertThat(admission.waiting("b")).isEmpty();
    assertThatThrownBy(() -> new Admission(-1)).hasMessageContaining("max-running-jobs = -1");
  }
}
