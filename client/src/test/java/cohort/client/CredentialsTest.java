package cohort.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.security.Token;
import cohort.api.security.TokenFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

  @TempDir Path home;

  private static final HttpRequest GET =
      HttpRequest.newBuilder(URI.create("http://a:1/jobs")).build();

  private static String sent(Credentials credentials) {
    return credentials.authorize(GET).headers().firstValue("Authorization").orElse(null);
  }

  /** Tests that COHORT_TOKEN wins over a token file and over the default folders. */
  @Test
  void theEnvironmentsTokenComesFirst() {
    TokenFile.readOrCreate(home.resolve(".cohort/coordinator/token"));
    Credentials credentials =
        Credentials.fromEnvironment(
            Map.of("COHORT_TOKEN", "given-token-0123456789", "COHORT_TOKEN_FILE", "/nowhere"),
            home);
    assertThat(sent(credentials)).isEqualTo("Bearer given-token-0123456789");
  }

  /** Tests that a token file the user names is read, and a missing one is a clear error. */
  @Test
  void aNamedTokenFileIsReadOrRefused() throws Exception {
    Path file = home.resolve("mine");
    Token token = TokenFile.readOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(
            sent(Credentials.fromEnvironment(Map.of("COHORT_TOKEN_FILE", file.toString()), home)))
        .isEqualTo(token.header());
    assertThatThrownBy(
            () -> Credentials.fromEnvironment(Map.of("COHORT_TOKEN_FILE", "/no/such"), home))
        .hasMessage("the token file /no/such does not exist");
  }

  /**
   * Tests that with both default token files the client sends the coordinator's, then moves to
   * cohort local's when it is refused, and stops at the last.
   */
  @Test
  void theDefaultFoldersAreTriedInTurn() {
    Token coordinator = TokenFile.readOrCreate(home.resolve(".cohort/coordinator/token"));
    Token local = TokenFile.readOrCreate(home.resolve(".cohort/local/token"));
    Credentials credentials = Credentials.fromEnvironment(Map.of(), home);
    HttpRequest first = credentials.authorize(GET);
    assertThat(first.headers().firstValue("Authorization")).contains(coordinator.header());
    assertThat(credentials.refused(first)).isTrue();
    HttpRequest second = credentials.authorize(GET);
    assertThat(second.headers().firstValue("Authorization")).contains(local.header());
    assertThat(credentials.refused(first)).isTrue(); // a late refusal of the first changes nothing
    assertThat(credentials.token().map(Token::value)).contains(local.value());
    assertThat(credentials.refused(second)).isFalse();
    assertThat(credentials.describe()).contains(".cohort/local/token");
  }

  /** Tests that a client without any token sends none, and says how to give one. */
  @Test
  void noTokenSendsNoneAndSaysWhereToFindOne() {
    Credentials credentials = Credentials.fromEnvironment(Map.of(), home);
    assertThat(sent(credentials)).isNull();
    assertThat(credentials.describe()).contains("COHORT_TOKEN").contains("--token-file");
  }

  /** Tests that a token is never shown by toString, and is compared whole. */
  @Test
  void tokensStayHiddenAndMatchWhole() {
    Token token = Token.of("abcdefghijklmnopqrstuvwxyz", "test");
    assertThat(token.toString()).doesNotContain("abc");
    assertThat(token.matchesHeader("Bearer abcdefghijklmnopqrstuvwxyz")).isTrue();
    assertThat(token.matchesHeader("bearer abcdefghijklmnopqrstuvwxyz")).isTrue();
    assertThat(token.matchesHeader("Bearer abcdefghijklmnopqrstuvwxy")).isFalse();
    assertThat(token.matchesHeader("Basic abcdefghijklmnopqrstuvwxyz")).isFalse();
    assertThat(token.matchesHeader(null)).isFalse();
    assertThat(token.forNodes().matches(token.value())).isFalse();
    assertThatThrownBy(() -> Token.of("short", "COHORT_TOKEN"))
        .hasMessageContaining("too short (5 characters)");
    assertThatThrownBy(() -> Token.of("has a space in it, too", "COHORT_TOKEN"))
        .hasMessageContaining("holds a space");
  }
}
