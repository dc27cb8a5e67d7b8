package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskError;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailurePolicyTest {

  private static final TaskError BOOM = new TaskError("x.Boom", "boom", "n1:1", 1, "trace");

  private static Batch batch(int attempt, int taskFailures, int systemFailures, Set<String> on) {
    return new Batch(
        7,
        3,
        Values.of(List.of(LongNode.valueOf(3))),
        attempt,
        taskFailures,
        systemFailures,
        on,
        null);
  }

  private static InputFailure failure(FailureKind kind) {
    return new InputFailure(0, kind, BOOM);
  }

  /** Tests that a task that throws runs again up to retries, then its error is final. */
  @Test
  void retriesWhatTheTaskThrew() {
    FailurePolicy policy = new FailurePolicy(2, 3);
    var first = policy.decide(batch(1, 0, 0, Set.of()), failure(FailureKind.TASK), "n1:1");
    assertThat(first).isEqualTo(new FailurePolicy.RunAgain(1, 0, Set.of(), BOOM));
    var last = policy.decide(batch(3, 2, 0, Set.of()), failure(FailureKind.TASK), "n1:1");
    assertThat(last).isInstanceOf(FailurePolicy.GiveUp.class);
    assertThat(((FailurePolicy.GiveUp) last).error().attempts()).isEqualTo(3);
    assertThat(((FailurePolicy.GiveUp) last).error().message()).isEqualTo("boom");
  }

  /** Tests that system failures run again elsewhere, remembering the nodes, up to max-attempts. */
  @Test
  void systemFailuresRunElsewhereUpToMaxAttempts() {
    FailurePolicy policy = new FailurePolicy(0, 3);
    var again = policy.decide(batch(2, 0, 1, Set.of("a:1")), failure(FailureKind.TIMEOUT), "b:1");
    assertThat(again).isEqualTo(new FailurePolicy.RunAgain(0, 2, Set.of("a:1", "b:1"), BOOM));
    var timedOut =
        (FailurePolicy.GiveUp)
            policy.decide(
                batch(3, 0, 2, Set.of("a:1", "b:1")), failure(FailureKind.TIMEOUT), "c:1");
    assertThat(timedOut.error().message()).isEqualTo("boom; gave up after 3 runs (max-attempts 3)");
    var crashed =
        (FailurePolicy.GiveUp)
            policy.decide(batch(3, 0, 2, Set.of("a:1", "b:1")), failure(FailureKind.CRASH), "c:1");
    assertThat(crashed.error().type()).isEqualTo("cohort.Quarantined");
    assertThat(crashed.error().message())
        .startsWith(
            "quarantined after its node went down on each of its 3 runs (max-attempts 3), on a:1,"
                + " b:1, c:1;")
        .endsWith("Last: boom");
  }

  /** Tests that an input that does not convert never runs again, whatever the retries. */
  @Test
  void inputErrorsAreFinal() {
    var decision =
        new FailurePolicy(5, 5).decide(batch(1, 0, 0, Set.of()), failure(FailureKind.INPUT), "a:1");
    assertThat(decision).isEqualTo(new FailurePolicy.GiveUp(BOOM.withAttempts(1)));
  }
}
