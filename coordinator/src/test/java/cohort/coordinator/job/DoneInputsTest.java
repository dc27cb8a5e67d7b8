package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Runs of done inputs, as a recovered job's result log gives them. */
class DoneInputsTest {

  /** Tests that runs merge where they meet, and that the prefix, end and gaps follow. */
  @Test
  void runsMergeAndLeaveGaps() {
    DoneInputs done = new DoneInputs();
    assertThat(done.prefix()).isZero();
    assertThat(done.end()).isZero();
    done.add(10, 5);
    done.add(0, 3);
    assertThat(done.prefix()).isEqualTo(3);
    assertThat(done.gaps()).containsExactly(new long[] {3, 10});
    done.add(3, 7);
    assertThat(done.prefix()).isEqualTo(15);
    assertThat(done.gaps()).isEmpty();
    done.add(20, 1);
    assertThat(done.count()).isEqualTo(16);
    assertThat(done.end()).isEqualTo(21);
    assertThat(done.gaps()).containsExactly(new long[] {15, 20});
  }

  /** Tests that an input with a result twice is refused: a log holds each input once. */
  @Test
  void anInputTwiceIsRefused() {
    DoneInputs done = new DoneInputs();
    done.add(5, 5);
    assertThatThrownBy(() -> done.add(9, 2)).hasMessage("inputs 9 to 10 have a result already");
    assertThatThrownBy(() -> done.add(0, 6)).hasMessage("inputs 0 to 5 have a result already");
    assertThatThrownBy(() -> done.add(3, 0)).hasMessage("no inputs from 3: 0");
  }

  /** Tests that indexes given one at a time become runs, in any order the log holds them. */
  @Test
  void indexesOneAtATimeBecomeRuns() {
    DoneInputs done = new DoneInputs();
    try (DoneInputs.Runs runs = done.runs()) {
      for (long index : new long[] {0, 1, 2, 7, 8, 4, 3, 10}) {
        runs.next(index);
      }
    }
    assertThat(done.count()).isEqualTo(8);
    assertThat(done.prefix()).isEqualTo(5);
    assertThat(done.gaps()).containsExactly(new long[] {5, 7}, new long[] {9, 10});
  }
}
