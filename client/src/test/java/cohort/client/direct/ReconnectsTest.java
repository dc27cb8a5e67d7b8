package cohort.client.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReconnectsTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(42 * SECOND);
  private final Reconnects reconnects = new Reconnects(5 * SECOND, now::get);

  /** Tests that a node never tried is due, and one whose connection is alive is not. */
  @Test
  void aNewNodeIsDueAndALiveOneIsNot() {
    assertThat(reconnects.due("a:1", false, 0, false)).isTrue();
    assertThat(reconnects.due("a:1", true, 0, true)).isFalse();
  }

  /**
   * Tests that a failed attempt keeps the node out for the back-off counted from the failure, then
   * lets it be tried again, and that a connection that opens clears the failure.
   */
  @Test
  void aFailedAttemptWaitsTheBackoffFromTheFailure() {
    reconnects.failed("a:1");
    now.addAndGet(4 * SECOND);
    assertThat(reconnects.due("a:1", false, 0, false)).isFalse();
    assertThat(reconnects.due("b:2", false, 0, false)).as("another node").isTrue();
    now.addAndGet(SECOND);
    assertThat(reconnects.due("a:1", false, 0, false)).isTrue();

    reconnects.failed("a:1");
    reconnects.connected("a:1");
    assertThat(reconnects.due("a:1", false, 0, false)).isTrue();
  }

  /** Tests that a connection that broke keeps the node out for the back-off from when it broke. */
  @Test
  void aBrokenConnectionWaitsTheBackoffFromWhenItBroke() {
    long brokenAt = now.get();
    now.addAndGet(5 * SECOND - 1);
    assertThat(reconnects.due("a:1", true, brokenAt, false)).isFalse();
    now.incrementAndGet();
    assertThat(reconnects.due("a:1", true, brokenAt, false)).isTrue();
  }

  /** Tests the back-off across the clock's wrap-around, as {@code nanoTime} may wrap. */
  @Test
  void theClockMayWrap() {
    now.set(Long.MAX_VALUE - SECOND);
    reconnects.failed("a:1");
    now.addAndGet(2 * SECOND); // wraps to a negative value
    assertThat(reconnects.due("a:1", false, 0, false)).isFalse();
    now.addAndGet(3 * SECOND);
    assertThat(reconnects.due("a:1", false, 0, false)).isTrue();
  }
}
