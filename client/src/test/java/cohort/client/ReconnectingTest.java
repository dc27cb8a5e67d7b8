package cohort.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ReconnectingTest {

  private final AtomicInteger opens = new AtomicInteger();

  /** Opens that fail {@code failures} times with {@code status}, then serve two results. */
  private BiFunction<String, Long, Stream<String>> failingFirst(int failures, int status) {
    return (id, from) -> {
      if (opens.getAndIncrement() < failures) {
        throw new CohortException("cannot reach the coordinator", status, null);
      }
      return Stream.of("r0", "r1").skip(from);
    };
  }

  /**
   * Tests that a coordinator gone between accepting a job and the first read of its results is
   * waited for, as one gone later is: the reader gets every result.
   */
  @Test
  void aCoordinatorGoneBeforeTheFirstReadIsWaitedFor() {
    List<String> results =
        Reconnecting.follow(
                failingFirst(2, 0), "job", Duration.ofSeconds(30), Reconnecting.Listener.QUIET)
            .toList();
    assertThat(results).containsExactly("r0", "r1");
    assertThat(opens.get()).isEqualTo(3);
  }

  /** Tests that a refusal of the first read (the job is unknown) is not tried again. */
  @Test
  void aRefusedFirstReadIsNotTriedAgain() {
    assertThatThrownBy(
            () ->
                Reconnecting.follow(
                    failingFirst(1, 404),
                    "job",
                    Duration.ofSeconds(30),
                    Reconnecting.Listener.QUIET))
        .isInstanceOf(CohortException.class);
    assertThat(opens.get()).isEqualTo(1);
  }

  /** Tests that with no time to reconnect, the first failure stands. */
  @Test
  void withNoTimeToReconnectTheFirstFailureStands() {
    assertThatThrownBy(
            () ->
                Reconnecting.follow(
                    failingFirst(1, 0), "job", Duration.ZERO, Reconnecting.Listener.QUIET))
        .isInstanceOf(CohortException.class);
    assertThat(opens.get()).isEqualTo(1);
  }

  /**
   * Tests that a call is asked again while the coordinator cannot be reached, that a refusal stands
   * at once, and that the last failure stands when the time runs out.
   */
  @Test
  void aCallIsAskedAgainOnlyWhileTheCoordinatorIsAway() {
    AtomicInteger calls = new AtomicInteger();
    String answer =
        Reconnecting.call(
            () -> {
              if (calls.getAndIncrement() < 2) {
                throw new CohortException("cannot reach the coordinator", 0, null);
              }
              return "SUCCEEDED";
            },
            Duration.ofSeconds(30));
    assertThat(answer).isEqualTo("SUCCEEDED");
    assertThat(calls.get()).isEqualTo(3);

    AtomicInteger refused = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Reconnecting.call(
                    () -> {
                      refused.incrementAndGet();
                      throw new CohortException("no job x", 404, null);
                    },
                    Duration.ofSeconds(30)))
        .hasMessage("no job x");
    assertThat(refused.get()).isEqualTo(1);

    assertThatThrownBy(
            () ->
                Reconnecting.call(
                    () -> {
                      throw new CohortException("cannot reach the coordinator", 0, null);
                    },
                    Duration.ofMillis(300)))
        .hasMessage("cannot reach the coordinator");
  }
}
