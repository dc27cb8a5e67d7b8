package cohort.client;

import cohort.api.security.Token;
import cohort.api.security.TokenFile;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a client shows the coordinator: its token, and the CA it trusts for HTTPS besides the JDK's.
 * {@link #fromEnvironment()} finds them as the {@code cohort} command does: {@code COHORT_TOKEN},
 * else the file {@code COHORT_TOKEN_FILE} names, else the {@code token} files of the data folders
 * {@code cohort coordinator} and {@code cohort local} use by default ({@code COHORT_DATA_DIR} or
 * {@code ~/.cohort/coordinator}, {@code COHORT_LOCAL_DATA_DIR} or {@code ~/.cohort/local}); the CA
 * from {@code COHORT_TLS_CA}. When both default files exist the client tries the first, and the
 * second when the coordinator refuses it.
 */
public final class Credentials {

  private record Candidate(Token token, String where) {}

  private final List<Candidate> candidates;
  private final Optional<Path> trustedCa;
  private volatile int current;

  private Credentials(List<Candidate> candidates, Optional<Path> trustedCa) {
    this.candidates = List.copyOf(candidates);
    this.trustedCa = trustedCa;
  }

  /** The token given. */
  public static Credentials of(Token token) {
    return new Credentials(List.of(new Candidate(token, "the token given")), Optional.empty());
  }

  /** No token: only {@code /health} answers such a client. */
  public static Credentials none() {
    return new Credentials(List.of(), Optional.empty());
  }

  /**
   * The token and CA this process's environment gives, as described above.
   *
   * @throws IllegalArgumentException when a token given cannot be used, saying why
   */
  public static Credentials fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  static Credentials fromEnvironment(Map<String, String> env, Path home) {
    Optional<Path> ca = nonBlank(env.get("COHORT_TLS_CA")).map(Path::of);
    Optional<String> token = nonBlank(env.get("COHORT_TOKEN"));
    if (token.isPresent()) {
      return new Credentials(
          List.of(new Candidate(Token.of(token.get(), "COHORT_TOKEN"), "COHORT_TOKEN")), ca);
    }
    Optional<String> file = nonBlank(env.get("COHORT_TOKEN_FILE"));
    if (file.isPresent()) {
      return withFile(Path.of(file.get()), ca);
    }
    List<Candidate> found = new ArrayList<>();
    for (Path dir :
        List.of(
            nonBlank(env.get("COHORT_DATA_DIR"))
                .map(Path::of)
                .orElse(home.resolve(".cohort").resolve("coordinator")),
            nonBlank(env.get("COHORT_LOCAL_DATA_DIR"))
                .map(Path::of)
                .orElse(home.resolve(".cohort").resolve("local")))) {
      Path candidate = dir.resolve(TokenFile.NAME);
      if (Files.isReadable(candidate)) {
        try {
          found.add(new Candidate(TokenFile.read(candidate), "the file " + candidate));
        } catch (IllegalArgumentException e) {
          // a damaged default file: the other may serve; a 401 says where to look
        }
      }
    }
    return new Credentials(found, ca);
  }

  /**
   * The token in {@code file}, with the CA of this one.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no usable token
   */
  public Credentials withTokenFile(Path file) {
    return withFile(file, trustedCa);
  }

  private static Credentials withFile(Path file, Optional<Path> ca) {
    return new Credentials(List.of(new Candidate(TokenFile.read(file), "the file " + file)), ca);
  }

  /** These credentials, trusting the CA certificate in {@code pem} for HTTPS. */
  public Credentials withTrustedCa(Path pem) {
    return new Credentials(candidates, Optional.of(pem));
  }

  /** The CA certificate (PEM) trusted for HTTPS besides the JDK's, if any. */
  public Optional<Path> trustedCa() {
    return trustedCa;
  }

  /** The token used now, if any. */
  public Optional<Token> token() {
    int index = current;
    return index < candidates.size()
        ? Optional.of(candidates.get(index).token())
        : Optional.empty();
  }

  /** {@code request} with the token used now. */
  HttpRequest authorize(HttpRequest request) {
    Optional<Token> token = token();
    if (token.isEmpty()) {
      return request;
    }
    return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(Token.HEADER))
        .header(Token.HEADER, token.get().header())
        .build();
  }

  /**
   * The coordinator refused the token sent with {@code sent}: moves on to the next one found, if
   * any.
   *
   * @return whether there is another to try
   */
  synchronized boolean refused(HttpRequest sent) {
    String header = sent.headers().firstValue(Token.HEADER).orElse(null);
    int index = current;
    if (index < candidates.size() && !candidates.get(index).token().matchesHeader(header)) {
      return true; // another thread moved on already
    }
    if (index + 1 < candidates.size()) {
      current = index + 1;
      return true;
    }
    return false;
  }

  /** Where the token came from, for the message when the coordinator refuses it. */
  String describe() {
    int index = current;
    return index < candidates.size()
        ? "this client sent the token from " + candidates.get(index).where()
        : "this client found no token: set COHORT_TOKEN, or give --token-file FILE (the file"
            + " `cohort coordinator` or `cohort local` printed)";
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
