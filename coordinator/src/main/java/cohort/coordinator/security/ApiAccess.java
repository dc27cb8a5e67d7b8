package cohort.coordinator.security;

import cohort.api.ApiJson;
import cohort.api.security.Token;
import cohort.coordinator.http.Responses;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Decides who may make a request of the coordinator's HTTP API. Every route needs the token ({@code
 * Authorization: Bearer TOKEN}), except {@code GET /health}, which says nothing of jobs. The node
 * token ({@link Token#forNodes()}) opens only {@code GET /blobs/...}, {@code GET /code/...} and
 * {@code GET /broadcasts/...}: what nodes fetch. A request without either gets 401 with a JSON
 * error saying where the token is.
 *
 * <p>The dashboard's browser sends a session cookie instead ({@link Sessions}): it opens every
 * route, but a request that changes something (any method but GET and HEAD) must also carry the
 * header {@value #DASHBOARD_HEADER}, which another site's page cannot send without the
 * coordinator's consent, so a page elsewhere cannot cancel jobs in the user's name. The login page,
 * the dashboard's own scripts and styles and the WebJars are open: they hold nothing of the
 * cluster. A browser without a session that asks for the dashboard's page is sent to the login
 * page; its scripts' requests get 401, and the page then goes to the login itself.
 */
public final class ApiAccess {

  /**
   * The open route: whether a coordinator serves, and as what. The active coordinator's API and a
   * standby's serve it here, and health probes ask it (deploy/kubernetes).
   */
  public static final String HEALTH = "/health";

  /** The header a cookie-authenticated request that changes something must carry. */
  public static final String DASHBOARD_HEADER = "X-Cohort-Dashboard";

  /** The dashboard's login page. */
  public static final String LOGIN = "/ui/login";

  /** Where the dashboard logs out. */
  public static final String LOGOUT = "/ui/logout";

  /** How long a dashboard session lasts unless configured otherwise. */
  public static final Duration SESSION_LIFETIME = Duration.ofHours(12);

  private final Token token;
  private final Token nodeToken;
  private final String where;
  private final Sessions sessions;
  private final Responses responses = new Responses(ApiJson.newMapper());

  /**
   * @param token the API token
   * @param where where a user finds the token, for the 401's message, such as "the file
   *     /home/ann/.cohort/coordinator/token"
   */
  public ApiAccess(Token token, String where) {
    this(token, where, new Sessions(token, SESSION_LIFETIME, Clock.systemUTC()));
  }

  /**
   * @param sessions the dashboard's sessions, signed with a key derived from {@code token}
   */
  public ApiAccess(Token token, String where, Sessions sessions) {
    this.token = token;
    this.nodeToken = token.forNodes();
    this.where = where;
    this.sessions = sessions;
  }

  /** The dashboard's sessions. */
  public Sessions sessions() {
    return sessions;
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
    if (open(path)) {
      return Optional.empty();
    }
    String header = request.getHeader(Token.HEADER).map(h -> h.value()).orElse(null);
    if (token.matchesHeader(header)) {
      return Optional.empty();
    }
    boolean reads =
        request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD);
    if (header == null && sessions.valid(sessionCookie(request))) {
      return reads || request.getHeader(DASHBOARD_HEADER).isPresent()
          ? Optional.empty()
          : Optional.of(
              responses.error(
                  StatusCodes.FORBIDDEN,
                  "a request from the dashboard that changes something must carry the header "
                      + DASHBOARD_HEADER
                      + "; the dashboard's own pages send it"));
    }
    if (header == null && reads && (path.equals("/ui") || path.equals("/ui/"))) {
      return Optional.of(
          HttpResponse.create()
              .withStatus(StatusCodes.SEE_OTHER)
              .addHeader(Location.create(LOGIN)));
    }
    if (request.method().equals(HttpMethods.GET)
        && (path.startsWith("/blobs/")
            || path.startsWith("/code/")
            || path.startsWith("/broadcasts/"))
        && nodeToken.matchesHeader(header)) {
      return Optional.empty();
    }
    return Optional.of(unauthorized(header == null));
  }

  /**
   * Paths anyone may ask for: health, the login page, logging out (which only clears the cookie),
   * the dashboard's scripts and styles.
   */
  private static boolean open(String path) {
    return path.equals(HEALTH)
        || path.equals(LOGIN)
        || path.equals(LOGOUT)
        || path.startsWith("/ui/assets/")
        || path.startsWith("/webjars/");
  }

  private static String sessionCookie(HttpRequest request) {
    Optional<Cookie> cookies = request.getHeader(Cookie.class);
    if (cookies.isEmpty()) {
      return null;
    }
    for (HttpCookiePair pair : cookies.get().getCookies()) {
      if (pair.name().equals(Sessions.COOKIE)) {
        return pair.value();
      }
    }
    return null;
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
