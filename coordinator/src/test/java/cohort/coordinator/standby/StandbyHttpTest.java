package cohort.coordinator.standby;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.security.Token;
import cohort.coordinator.security.ApiAccess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What a standby coordinator answers, with and without an active one. */
class StandbyHttpTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Materializer MATERIALIZER = Materializer.matFromSystem(KIT.system());
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static final Token TOKEN = Token.generate();

  private static HttpRequest withToken(HttpRequest request) {
    return request.addHeader(RawHeader.create(Token.HEADER, TOKEN.header()));
  }

  private static JsonNode body(HttpResponse response) throws Exception {
    return JSON.readTree(
        response
            .entity()
            .toStrict(5_000, MATERIALIZER)
            .toCompletableFuture()
            .get()
            .getData()
            .utf8String());
  }

  @Test
  void saysWhoLeadsRedirectsThereAndRefusesWhileNoneDoes() throws Exception {
    AtomicReference<Optional<Lease.Holder>> leader = new AtomicReference<>(Optional.empty());
    StandbyHttp standby =
        new StandbyHttp("42", () -> "http://b:2", leader::get, new ApiAccess(TOKEN, "the test"));

    HttpResponse refused = standby.answer(HttpRequest.GET("/jobs"), MATERIALIZER);
    assertThat(refused.status().intValue()).isEqualTo(401);
    HttpResponse waiting = standby.answer(withToken(HttpRequest.GET("/jobs")), MATERIALIZER);
    assertThat(waiting.status().intValue()).isEqualTo(503);
    assertThat(waiting.getHeader("Retry-After").map(h -> h.value())).contains("1");
    assertThat(waiting.getHeader(StandbyHttp.ROLE_HEADER).map(h -> h.value())).contains("standby");
    assertThat(body(waiting).get("error").asText()).contains("no coordinator is active yet");
    JsonNode alone = body(standby.answer(HttpRequest.GET("/health"), MATERIALIZER));
    assertThat(alone.get("role").asText()).isEqualTo("standby");
    assertThat(alone.get("incarnation").asText()).isEqualTo("42");
    assertThat(alone.get("active").isNull()).isTrue();

    // The lead was last read as this coordinator's own: not a place to send anyone.
    leader.set(Optional.of(new Lease.Holder("me", "http://b:2", "b:1", 1)));
    assertThat(
            standby.answer(withToken(HttpRequest.GET("/jobs")), MATERIALIZER).status().intValue())
        .isEqualTo(503);

    leader.set(Optional.of(new Lease.Holder("a", "http://a:1", "a:1", 2)));
    assertThat(standby.answer(HttpRequest.POST("/jobs?wait=5s"), MATERIALIZER).status().intValue())
        .isEqualTo(401);
    HttpResponse moved = standby.answer(withToken(HttpRequest.POST("/jobs?wait=5s")), MATERIALIZER);
    assertThat(moved.status().intValue()).isEqualTo(307);
    assertThat(moved.getHeader("Location").map(h -> h.value())).contains("http://a:1/jobs?wait=5s");
    assertThat(
            body(standby.answer(HttpRequest.GET("/health"), MATERIALIZER)).get("active").asText())
        .isEqualTo("http://a:1");
  }
}
