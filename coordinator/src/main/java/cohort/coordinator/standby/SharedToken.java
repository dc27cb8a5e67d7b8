package cohort.coordinator.standby;

import cohort.api.security.Token;
import cohort.api.security.TokenFile;
import cohort.coordinator.journal.Postgres;
import cohort.coordinator.security.ApiAccess;
import cohort.coordinator.security.ApiTokens;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The API token of coordinators that share a journal: a client that fails over to a standby
 * presents the same token. The user's own token when given; otherwise the first coordinator makes
 * one and keeps it in the database (table {@code cohort_token}), and each copies it to the {@code
 * token} file of its data folder, where the cohort command finds it.
 */
public final class SharedToken {

  private static final String OFFER =
      "INSERT INTO cohort_token (id, token) VALUES (1, ?) ON CONFLICT (id) DO NOTHING";
  private static final String READ = "SELECT token FROM cohort_token WHERE id = 1";

  private SharedToken() {}

  /**
   * The token given, or the one every coordinator of {@code database} shares.
   *
   * @throws IllegalStateException when the database cannot be read
   */
  public static ApiAccess resolve(Config config, Postgres database, Path dataDir) {
    return ApiTokens.given(config)
        .orElseGet(
            () -> {
              Path file = dataDir.resolve(TokenFile.NAME).toAbsolutePath();
              TokenFile.write(file, shared(database));
              return ApiTokens.access(config, TokenFile.read(file), "the file " + file);
            });
  }

  private static Token shared(Postgres database) {
    try (Connection connection = database.connect(Duration.ofSeconds(10))) {
      try (PreparedStatement offer = connection.prepareStatement(OFFER)) {
        offer.setString(1, Token.generate().value());
        offer.executeUpdate();
      }
      try (PreparedStatement read = connection.prepareStatement(READ);
          ResultSet row = read.executeQuery()) {
        row.next();
        return Token.of(row.getString(1), "the journal database's cohort_token table");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the API token from the journal database "
              + database.shown()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
