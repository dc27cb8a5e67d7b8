package cohort.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.security.Token;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/** Who may make which request: the token, the node token, a dashboard session, nobody. */
class ApiAccessTest {

  private static final Token TOKEN = Token.of("api-access-test-token-0123456789", "the test");

  private final SessionsTest.MovingClock clock =
      new SessionsTest.MovingClock(Instant.parse("2026-12-02T06:00:00Z"));
  private final ApiAccess access =
      new ApiAccess(TOKEN, "the test", new Sessions(TOKEN, Duration.ofHours(1), clock));

  private Optional<HttpResponse> refusal(HttpRequest request) {
    return access.refusal(request);
  }

  private static HttpRequest get(String path) {
    return HttpRequest.GET(path);
  }

  private HttpRequest withSession(HttpRequest request) {
    return request.addHeader(Cookie.create(Sessions.COOKIE, access.sessions().open()));
  }

  /** Tests that the open paths need nothing, and that everything else needs something. */
  @Test
  void openPathsNeedNothing() {
    for (String path :
        new String[] {
          "/health", "/ui/login", "/ui/assets/app.js", "/webjars/uplot/1.6.30/dist/uPlot.min.css"
        }) {
      assertThat(refusal(get(path))).as(path).isEmpty();
    }
    assertThat(refusal(HttpRequest.POST("/ui/login"))).isEmpty();
    assertThat(refusal(HttpRequest.POST("/ui/logout"))).as("it only clears the cookie").isEmpty();
    assertThat(refusal(get("/jobs")).orElseThrow().status().intValue()).isEqualTo(401);
    assertThat(refusal(get("/ui/link")).orElseThrow().status().intValue()).isEqualTo(401);
  }

  /** Tests that a browser without a session asking for a dashboard page goes to the login. */
  @Test
  void aBrowserWithoutSessionGoesToTheLogin() {
    for (String path : new String[] {"/ui", "/ui/"}) {
      HttpResponse answer = refusal(get(path)).orElseThrow();
      assertThat(answer.status().intValue()).as(path).isEqualTo(303);
      assertThat(answer.getHeader("Location").orElseThrow().value()).isEqualTo(ApiAccess.LOGIN);
    }
    // What the page's scripts ask gets 401, which they can see (a redirect they would follow).
    for (String path : new String[] {"/ui/events", "/ui/jobs/x/detail"}) {
      assertThat(refusal(get(path)).orElseThrow().status().intValue()).as(path).isEqualTo(401);
    }
    assertThat(refusal(HttpRequest.POST("/ui/link")).orElseThrow().status().intValue())
        .isEqualTo(401);
  }

  /** Tests that a session reads everything, but changes only with the dashboard's header. */
  @Test
  void aSessionChangesOnlyWithTheDashboardsHeader() {
    assertThat(refusal(withSession(get("/jobs")))).isEmpty();
    assertThat(refusal(withSession(get("/ui/events")))).isEmpty();
    HttpRequest cancel = HttpRequest.create("/jobs/a-1").withMethod(HttpMethods.DELETE);
    HttpResponse refused = refusal(withSession(cancel)).orElseThrow();
    assertThat(refused.status().intValue()).isEqualTo(403);
    assertThat(
            refusal(
                withSession(cancel.addHeader(RawHeader.create(ApiAccess.DASHBOARD_HEADER, "1")))))
        .isEmpty();
  }

  /** Tests that an ended or forged session opens nothing. */
  @Test
  void anEndedSessionOpensNothing() {
    HttpRequest request = withSession(get("/jobs"));
    clock.move(Duration.ofHours(1));
    assertThat(refusal(request).orElseThrow().status().intValue()).isEqualTo(401);
    HttpRequest forged = get("/jobs").addHeader(Cookie.create(Sessions.COOKIE, "9999999999.x"));
    assertThat(refusal(forged).orElseThrow().status().intValue()).isEqualTo(401);
  }

  /** Tests that the token opens every route, and the node token only what nodes fetch. */
  @Test
  void tokensOpenWhatTheyShould() {
    assertThat(refusal(get("/jobs").addHeader(RawHeader.create("Authorization", TOKEN.header()))))
        .isEmpty();
    RawHeader node = RawHeader.create("Authorization", TOKEN.forNodes().header());
    assertThat(refusal(get("/blobs/a-1/0").addHeader(node))).isEmpty();
    assertThat(refusal(get("/jobs").addHeader(node)).orElseThrow().status().intValue())
        .isEqualTo(401);
  }
}
