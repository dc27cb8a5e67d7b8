package cohort.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A secret that proves its bearer may use a cluster: sent as {@code Authorization: Bearer TOKEN} on
 * every HTTP request, and (as its {@link #forNodes() node token}) by nodes fetching files and by
 * clients opening a node's direct port. Compared in constant time. {@link #toString()} never shows
 * it, so a token logged by mistake stays secret.
 */
public final class Token {

  /** The request header that carries a token. */
  public static final String HEADER = "Authorization";

  /** The scheme before the token in {@link #HEADER}. */
  public static final String SCHEME = "Bearer";

  /** Random bytes in a new token: 256 bits, as many as an AES-256 key. */
  static final int BYTES = 32;

  /** The shortest token a coordinator takes: guessing must stay out of reach. */
  public static final int MIN_LENGTH = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;
  private final byte[] digest;

  private Token(String value) {
    this.value = value;
    this.digest = sha256(value);
  }

  /** A new random token: 32 random bytes, URL-safe base64, 43 characters. */
  public static Token generate() {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    return new Token(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /**
   * A token given by the user (from {@code COHORT_TOKEN} or a file), stripped of surrounding space.
   *
   * @param where where it came from, for the message when it cannot be used
   * @throws IllegalArgumentException when it is too short, or holds spaces or control characters
   */
  public static Token of(String text, String where) {
    String value = text.strip();
    if (value.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the token in "
              + where
              + " is "
              + (value.isEmpty() ? "empty" : "too short (" + value.length() + " characters)")
              + "; use at least "
              + MIN_LENGTH
              + " random characters, or leave it out and the coordinator makes one");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException(
            "the token in "
                + where
                + " holds a space or a character other than printable ASCII at position "
                + (i + 1)
                + "; a token must fit in an HTTP header");
      }
    }
    return new Token(value);
  }

  /** The token's text, to send it or write it to its file. */
  public String value() {
    return value;
  }

  /** The value of an {@code Authorization} header that carries this token. */
  public String header() {
    return SCHEME + " " + value;
  }

  /**
   * The token nodes use: to fetch a job's files from the coordinator and to take direct calls from
   * clients. Derived from this one (SHA-256 of a label and the token), so every coordinator that
   * shares a token, and every client that holds it, knows the nodes' without being told; the node
   * token does not give the API token back.
   */
  public Token forNodes() {
    return new Token(HexFormat.of().formatHex(sha256("cohort node token\n" + value)));
  }

  /** Whether {@code presented} is this token, in time that does not depend on where they differ. */
  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  /**
   * Whether an {@code Authorization} header value carries this token.
   *
   * @param header the header's value, or null when the request had none
   */
  public boolean matchesHeader(String header) {
    if (header == null
        || header.length() <= SCHEME.length()
        || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || header.charAt(SCHEME.length()) != ' ') {
      return false;
    }
    return matches(header.substring(SCHEME.length() + 1).strip());
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "Token(hidden)";
  }
}
