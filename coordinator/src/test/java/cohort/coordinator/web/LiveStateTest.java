package cohort.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cohort.api.ClusterStatus;
import cohort.api.JobStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's live figures: rates, estimates and history, from samples a test makes up. */
class LiveStateTest {

  private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");
  private static final ClusterStatus CLUSTER =
      new ClusterStatus("c:1", List.of(), 4, 2, 1, List.of());

  private final LiveState state = new LiveState();

  private static JobStatus job(
      String id, JobStatus.State state, long total, long done, long running) {
    return new JobStatus(
        id,
        "sleep",
        state,
        true,
        null,
        total,
        done,
        0,
        running,
        total - done - running,
        0,
        null,
        null,
        T0.toString(),
        0,
        null,
        false,
        null,
        null);
  }

  private void sample(int second, JobStatus... jobs) {
    state.record(T0.plusSeconds(second), List.of(jobs), CLUSTER);
  }

  /** Tests that a job's rate is its results over the last ten seconds, and its ETA follows. */
  @Test
  void rateAndEtaComeFromTheLastTenSeconds() {
    for (int s = 0; s <= 20; s++) {
      // 5 a second for the first 10 s, then 10 a second.
      long done = s <= 10 ? 5L * s : 50 + 10L * (s - 10);
      sample(s, job("a", JobStatus.State.RUNNING, 1000, done, 4));
    }
    LiveState.LiveJob live = state.latest().jobs().get(0);
    assertThat(live.rate()).isCloseTo(10.0, within(1e-9));
    assertThat(live.etaSeconds()).isEqualTo((1000 - 150) / 10);
  }

  /** Tests that an ended job, a job still taking inputs or one with no progress has no ETA. */
  @Test
  void noEtaWithoutAnEndInSight() {
    sample(0, job("a", JobStatus.State.RUNNING, 10, 0, 1));
    sample(1, job("a", JobStatus.State.RUNNING, 10, 0, 1));
    assertThat(state.latest().jobs().get(0).etaSeconds()).isNull();
    sample(2, job("a", JobStatus.State.SUCCEEDED, 10, 10, 0));
    assertThat(state.latest().jobs().get(0).etaSeconds()).isNull();
  }

  /**
   * Tests that the cluster's rates add up every job's progress since the sample before, counting a
   * job new since then whole and none at the very first sample.
   */
  @Test
  void clusterRatesAddUpEveryJob() {
    sample(0, job("a", JobStatus.State.RUNNING, 100, 40, 2));
    assertThat(state.latest().rates())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.completed()).isZero();
              assertThat(p.busy()).isEqualTo(2);
              assertThat(p.slots()).isEqualTo(4);
            });
    sample(
        2,
        job("a", JobStatus.State.RUNNING, 100, 50, 2),
        job("b", JobStatus.State.RUNNING, 100, 6, 2));
    LiveState.ClusterPoint last = state.latest().rates().get(1);
    assertThat(last.completed()).isCloseTo((10 + 6) / 2.0, within(1e-9));
    assertThat(last.dispatched()).isCloseTo((10 + 8) / 2.0, within(1e-9));
  }

  /** Tests that a job the coordinator forgot leaves the state, and its history with it. */
  @Test
  void forgottenJobsLeave() {
    sample(
        0,
        job("a", JobStatus.State.SUCCEEDED, 1, 1, 0),
        job("b", JobStatus.State.RUNNING, 9, 0, 1));
    sample(1, job("b", JobStatus.State.RUNNING, 9, 1, 1));
    assertThat(state.history("a")).isEmpty();
    assertThat(state.history("b")).hasSize(2);
    assertThat(state.latest().jobs()).extracting(j -> j.status().id()).containsExactly("b");
  }

  /** Tests that history and the cluster's rates keep a bounded number of samples. */
  @Test
  void historyIsBounded() {
    for (int s = 0; s < LiveState.JOB_HISTORY + 50; s++) {
      sample(s, job("a", JobStatus.State.RUNNING, 1_000_000, s, 1));
    }
    assertThat(state.history("a")).hasSize(LiveState.JOB_HISTORY);
    assertThat(state.history("a").get(0).done()).isEqualTo(50);
    assertThat(state.latest().rates()).hasSize(LiveState.CLUSTER_HISTORY);
  }

  /** Tests that a resumed job's inputs done before it started are no burst of completions. */
  @Test
  void aResumedJobsSkippedInputsAreNotCompletions() {
    sample(0);
    JobStatus resumed =
        new JobStatus(
            "r",
            "sleep",
            JobStatus.State.RUNNING,
            false,
            null,
            100,
            95,
            0,
            2,
            3,
            0,
            null,
            null,
            T0.toString(),
            0,
            null,
            false,
            new JobStatus.Resumed("a", 90),
            null);
    sample(1, resumed);
    LiveState.ClusterPoint last = state.latest().rates().get(1);
    assertThat(last.completed()).isCloseTo(5.0, within(1e-9));
    assertThat(last.dispatched()).isCloseTo(7.0, within(1e-9));
  }
}
