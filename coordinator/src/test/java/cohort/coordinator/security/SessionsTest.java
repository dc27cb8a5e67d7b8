package cohort.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.security.Token;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The dashboard's signed session cookies and one-time links, on a clock the test moves. */
class SessionsTest {

  private static final Token TOKEN = Token.of("sessions-test-token-0123456789", "the test");

  private final MovingClock clock = new MovingClock(Instant.parse("2026-12-02T06:00:00Z"));
  private final Sessions sessions = new Sessions(TOKEN, Duration.ofHours(1), clock);

  /** Tests that a session opened is valid until its lifetime ends, and not after. */
  @Test
  void aSessionLastsItsLifetime() {
    String session = sessions.open();
    assertThat(sessions.valid(session)).isTrue();
    clock.move(Duration.ofMinutes(59));
    assertThat(sessions.valid(session)).isTrue();
    clock.move(Duration.ofMinutes(1));
    assertThat(sessions.valid(session)).isFalse();
  }

  /** Tests that a session with its expiry moved, its signature changed or malformed is refused. */
  @Test
  void aTamperedSessionIsRefused() {
    String session = sessions.open();
    int dot = session.indexOf('.');
    long expiry = Long.parseLong(session.substring(0, dot));
    assertThat(sessions.valid((expiry + 86_400) + session.substring(dot))).isFalse();
    String signature = session.substring(dot + 1);
    char last = signature.charAt(signature.length() - 1);
    String flipped = signature.substring(0, signature.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThat(sessions.valid(expiry + "." + flipped)).isFalse();
    for (String bad : new String[] {null, "", ".", "x.y", expiry + "", expiry + ".", "1.2.3"}) {
      assertThat(sessions.valid(bad)).as("%s", bad).isFalse();
    }
  }

  /** Tests that another token's sessions are refused: changing the token ends every session. */
  @Test
  void anotherTokensSessionIsRefused() {
    Sessions other =
        new Sessions(
            Token.of("another-token-0123456789abcdef", "the test"), Duration.ofHours(1), clock);
    assertThat(sessions.valid(other.open())).isFalse();
    assertThat(new Sessions(TOKEN, Duration.ofHours(1), clock).valid(sessions.open()))
        .as("a coordinator with the same token, such as a standby that took over")
        .isTrue();
  }

  /** Tests that a one-time link opens one valid session, once. */
  @Test
  void aLinkOpensOneSessionOnce() {
    String code = sessions.newLink();
    String session = sessions.redeem(code).orElseThrow();
    assertThat(sessions.valid(session)).isTrue();
    assertThat(sessions.redeem(code)).isEmpty();
    assertThat(sessions.redeem("made-up")).isEmpty();
    assertThat(sessions.redeem(null)).isEmpty();
  }

  /** Tests that a link not used within its minute opens nothing. */
  @Test
  void anOldLinkOpensNothing() {
    String code = sessions.newLink();
    clock.move(Sessions.LINK_LIFETIME);
    assertThat(sessions.redeem(code)).isEmpty();
  }

  /** Tests that a lifetime of zero is refused, saying so. */
  @Test
  void aZeroLifetimeIsRefused() {
    assertThatThrownBy(() -> new Sessions(TOKEN, Duration.ZERO, clock))
        .hasMessageContaining("must last longer than 0");
  }

  /** A clock that stands still until the test moves it. */
  static final class MovingClock extends Clock {
    private Instant now;

    MovingClock(Instant start) {
      this.now = start;
    }

    void move(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
