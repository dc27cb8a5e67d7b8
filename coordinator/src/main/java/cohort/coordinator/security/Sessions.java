package cohort.coordinator.security;

import cohort.api.security.Token;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dashboard's sessions: what a browser holds instead of the token, which an {@code EventSource}
 * or a link cannot send as a header.
 *
 * <p>A session is a cookie value {@code EXPIRY.SIGNATURE}: the second it ends (epoch seconds) and
 * an HMAC-SHA256 of it, keyed by a key derived from the API token. Nothing is kept on the
 * coordinator, so a session outlives a coordinator restart and works on every coordinator that
 * shares the token (a standby that takes over), and changing the token ends every session.
 *
 * <p>A one-time link ({@code cohort dashboard}) carries a random code that the coordinator keeps in
 * memory for a minute: it opens one session, once, and never shows the token.
 */
public final class Sessions {

  /** The cookie's name. */
  public static final String COOKIE = "cohort_session";

  /** How long a one-time link's code is good for. */
  public static final Duration LINK_LIFETIME = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;
  private final Duration lifetime;
  private final Clock clock;
  private final Map<String, Instant> links = new ConcurrentHashMap<>();

  /**
   * @param token the API token, from which the signing key is derived
   * @param lifetime how long a session lasts
   */
  public Sessions(Token token, Duration lifetime, Clock clock) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException(
          "a dashboard session must last longer than 0; it was " + lifetime);
    }
    this.key = sha256("cohort dashboard session key\n" + token.value());
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** How long a session lasts. */
  public Duration lifetime() {
    return lifetime;
  }

  /** A new session's cookie value. */
  public String open() {
    String expiry = Long.toString(clock.instant().plus(lifetime).getEpochSecond());
    return expiry + "." + sign(expiry);
  }

  /**
   * Whether a cookie value is a session this coordinator's token signed that has not ended.
   *
   * @param value the cookie's value, or null when there is none
   */
  public boolean valid(String value) {
    if (value == null) {
      return false;
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return false;
    }
    String expiry = value.substring(0, dot);
    long seconds;
    try {
      seconds = Long.parseLong(expiry);
    } catch (NumberFormatException e) {
      return false;
    }
    byte[] expected = sign(expiry).getBytes(StandardCharsets.US_ASCII);
    byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given)
        && clock.instant().isBefore(Instant.ofEpochSecond(seconds));
  }

  /** A new one-time code, good for {@link #LINK_LIFETIME}. */
  public String newLink() {
    Instant now = clock.instant();
    forgetExpired(now);
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    links.put(code, now.plus(LINK_LIFETIME));
    return code;
  }

  /**
   * Takes a one-time code: a new session's cookie value when the code is known and young, once;
   * empty otherwise.
   */
  public Optional<String> redeem(String code) {
    Instant until = code == null ? null : links.remove(code);
    if (until == null || !clock.instant().isBefore(until)) {
      return Optional.empty();
    }
    return Optional.of(open());
  }

  private void forgetExpired(Instant now) {
    for (Iterator<Instant> it = links.values().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next())) {
        it.remove();
      }
    }
  }

  private String sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] signature = mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no HMAC-SHA256", e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
