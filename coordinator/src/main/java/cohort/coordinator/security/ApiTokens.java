package cohort.coordinator.security;

import cohort.api.security.Token;
import cohort.api.security.TokenFile;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a coordinator's API token comes from: given ({@code cohort.coordinator.token}, from {@code
 * COHORT_TOKEN}, or the file {@code cohort.coordinator.token-file}), or kept in its data folder
 * ({@code token}, made with mode 0600 on the first start).
 */
public final class ApiTokens {

  static final String TOKEN = "cohort.coordinator.token";
  static final String TOKEN_FILE = "cohort.coordinator.token-file";
  static final String SESSION = "cohort.coordinator.dashboard-session";

  private ApiTokens() {}

  /**
   * The token the user gave, if any, and where it is.
   *
   * @throws IllegalArgumentException when it cannot be read or is unfit
   */
  public static Optional<ApiAccess> given(Config config) {
    String text = config.hasPath(TOKEN) ? config.getString(TOKEN) : "";
    if (!text.isBlank()) {
      return Optional.of(access(config, Token.of(text, "COHORT_TOKEN"), "COHORT_TOKEN as given"));
    }
    String file = config.hasPath(TOKEN_FILE) ? config.getString(TOKEN_FILE).trim() : "";
    if (!file.isEmpty()) {
      Path path = Path.of(file).toAbsolutePath();
      return Optional.of(access(config, TokenFile.read(path), "the file " + path));
    }
    return Optional.empty();
  }

  /** The token given, or the one kept in {@code dataDir} (made there on the first start). */
  public static ApiAccess forDataDir(Config config, Path dataDir) {
    return given(config)
        .orElseGet(
            () -> {
              Path file = dataDir.resolve(TokenFile.NAME).toAbsolutePath();
              return access(config, TokenFile.readOrCreate(file), "the file " + file);
            });
  }

  /**
   * The token given, or a new one known only to this process: for the cluster inside {@code cohort
   * submit}, whose only clients are in its own JVM.
   */
  public static ApiAccess forProcess(Config config) {
    return given(config)
        .orElseGet(() -> access(config, Token.generate(), "the process that started the cluster"));
  }

  /**
   * Access with {@code token}, whose dashboard sessions last {@code
   * cohort.coordinator.dashboard-session}.
   *
   * @param where where a user finds the token, for the messages of refused requests
   * @throws IllegalArgumentException when the session's lifetime is not positive
   */
  public static ApiAccess access(Config config, Token token, String where) {
    Duration lifetime =
        config.hasPath(SESSION) ? config.getDuration(SESSION) : ApiAccess.SESSION_LIFETIME;
    if (lifetime.isZero() || lifetime.isNegative()) {
      throw new IllegalArgumentException(
          SESSION + " must be a positive duration such as 12h; it was " + lifetime);
    }
    return new ApiAccess(token, where, new Sessions(token, lifetime, Clock.systemUTC()));
  }
}
