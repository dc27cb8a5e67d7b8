package cohort.coordinator.security;

import cohort.api.ApiJson;
import cohort.api.security.Token;
import cohort.coordinator.http.Responses;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Decides who may make a request of the coordinator's HTTP API. Every route needs the token ({@code
 * Authorization: Bearer TOKEN}), except {@code GET /health}, which says nothing of jobs. The node
 * token ({@link Token#forNodes()}) opens only {@code GET /blobs/...} and {@code GET /code/...}:
 * what nodes fetch. A request without either gets 401 with a JSON error saying where the token is.
 */
public final class ApiAccess {

  /**
   * The open route: whether a coordinator serves, and as what. The active coordinator's API and a
   * standby's serve it here, and health probes ask it (deploy/kubernetes).
   */
  public static final String HEALTH = "/health";

  private final Token token;
  private final Token nodeToken;
  private final String where;
  private final Responses responses = new Responses(ApiJson.newMapper());

  /**
   * @param token the API token
   * @param where where a user finds the token, for the 401's message, such as "the file
   *     /home/ann/.cohort/coordinator/token"
   */
  public ApiAccess(Token token, String where) {
    this.token = token;
    this.nodeToken = token.forNodes();
    this.where = where;
  }

  /** The API token. */
  public Token token() {
    return token;
  }

  /** Where a user finds the token, such as "the file /home/ann/.cohort/coordinator/token". */
  public String where() {
    return where;
  }

  /** The token nodes present. */
  public Token nodeToken() {
    return nodeToken;
  }

  /** The answer to a request it may not make, or empty when it may. */
  public Optional<HttpResponse> refusal(HttpRequest request) {
    String path = request.getUri().path();
    if (path.equals(HEALTH)) {
      return Optional.empty();
    }
    String header = request.getHeader(Token.HEADER).map(h -> h.value()).orElse(null);
    if (token.matchesHeader(header)) {
      return Optional.empty();
    }
    if (request.method().equals(HttpMethods.GET)
        && (path.startsWith("/blobs/") || path.startsWith("/code/"))
        && nodeToken.matchesHeader(header)) {
      return Optional.empty();
    }
    return Optional.of(unauthorized(header == null));
  }

  /** {@code inner}, for requests that may be made; 401 for the others. */
  public Route guard(Supplier<Route> inner) {
    return Directives.extractRequest(
        request -> refusal(request).map(Directives::complete).orElseGet(inner));
  }

  private HttpResponse unauthorized(boolean missing) {
    return responses
        .error(
            StatusCodes.UNAUTHORIZED,
            (missing ? "this request has no token" : "this request's token is wrong")
                + ": send the coordinator's token as 'Authorization: Bearer TOKEN'. It is in "
                + where
                + "; the cohort command reads COHORT_TOKEN, or --token-file FILE")
        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"cohort\""));
  }
}
