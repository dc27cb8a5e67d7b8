package cohort.coordinator.scheduling;

import java.time.Duration;
import java.time.Instant;

/**
 * The starts a rate allows: tokens that refill at the rate up to its {@link Rate#burst()}, one
 * taken per input sent. A batch may take more than there are (a batch sent again keeps its size):
 * the bucket then owes them, and sends nothing until they are paid back, so over time the rate
 * holds exactly. Not thread-safe.
 */
final class TokenBucket {

  private final Rate rate;
  private double tokens;
  private Instant filledAt;

  TokenBucket(Rate rate, Instant now) {
    this.rate = rate;
    this.tokens = rate.burst();
    this.filledAt = now;
  }

  Rate rate() {
    return rate;
  }

  /** A bucket for another rate that keeps this one's tokens (up to its burst): no fresh burst. */
  TokenBucket at(Rate other, Instant now) {
    TokenBucket changed = new TokenBucket(other, now);
    changed.tokens = Math.min(available(now), other.burst());
    return changed;
  }

  /** Tokens now, after refilling for the time since the last look. */
  double available(Instant now) {
    if (now.isAfter(filledAt)) {
      double seconds = Duration.between(filledAt, now).toNanos() / 1e9;
      tokens = Math.min(rate.burst(), tokens + seconds * rate.perSecond());
      filledAt = now;
    }
    return tokens;
  }

  /** Takes {@code inputs} tokens, going into debt if there are fewer. */
  void take(int inputs) {
    tokens -= inputs;
  }

  /** When the bucket will hold a whole token again, from {@code now}. */
  Instant nextToken(Instant now) {
    double missing = 1.0 - available(now);
    if (missing <= 0) {
      return now;
    }
    long nanos = (long) Math.ceil(missing / rate.perSecond() * 1e9);
    return now.plusNanos(Math.max(nanos, 1_000_000)); // a millisecond at least: no busy timer
  }
}
