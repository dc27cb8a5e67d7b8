package cohort.coordinator.standby;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
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
    StandbyHttp standby = new StandbyHttp("42", () -> "http://b:2", leader::get);

    HttpResponse waiting = standby.answer(HttpRequest.GET("/jobs"), MATERIALIZER);
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
    assertThat(standby.answer(HttpRequest.GET("/jobs"), MATERIALIZER).status().intValue())
        .isEqualTo(503);

    leader.set(Optional.of(new Lease.Holder("a", "http://a:1", "a:1", 2)));
    HttpResponse moved = standby.answer(HttpRequest.POST("/jobs?wait=5s"), MATERIALIZER);
    assertThat(moved.status().intValue()).isEqualTo(307);
    assertThat(moved.getHeader("Location").map(h -> h.value())).contains("http://a:1/jobs?wait=5s");
    assertThat(
            body(standby.answer(HttpRequest.GET("/health"), MATERIALIZER)).get("active").asText())
        .isEqualTo("http://a:1");
  }
}
