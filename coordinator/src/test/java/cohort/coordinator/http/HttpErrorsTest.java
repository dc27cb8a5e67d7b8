package cohort.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Rejections;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * The API's answers to rejections and failures no route of it makes today, through a real server on
 * a port it picked: each is a JSON error in plain words.
 */
class HttpErrorsTest extends AllDirectives {

  private static final ObjectMapper JSON = ApiJson.newMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ActorSystem<Void> system;
  private static ServerBinding binding;

  @BeforeAll
  static void start() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "http-errors-test",
            ConfigFactory.parseString("pekko.actor.provider = local"));
    HttpErrors errors = new HttpErrors(new Responses(JSON), Duration.ofSeconds(15));
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(new HttpErrorsTest().routes(errors))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Route routes(HttpErrors errors) {
    return handleExceptions(
        errors.exceptions(),
        () ->
            handleRejections(
                errors.rejections(),
                () ->
                    concat(
                        path(
                            "media",
                            () ->
                                reject(
                                    Rejections.unsupportedRequestContentType(
                                        List.of(MediaTypes.APPLICATION_JSON)))),
                        path("param", () -> reject(Rejections.missingQueryParam("wait"))),
                        path(
                            "large",
                            () -> failWith(new EntityStreamSizeException(1024, Option.empty()))),
                        path(
                            "slow",
                            () ->
                                failWith(
                                    new AskTimeoutException("Ask timed out on [Actor[x]]"))))));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    int port = binding.localAddress().getPort();
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    return JSON.readTree(response.body()).get("error").textValue();
  }

  /** Tests that a body of a type a route does not take gets 415 naming what it takes. */
  @Test
  void unsupportedMediaType() throws Exception {
    assertThat(error(get("/media"), 415))
        .isEqualTo("this route does not take a body of this Content-Type; send application/json");
  }

  /** Tests that a rejection without words of its own gets Pekko's words, as a JSON error. */
  @Test
  void otherRejectionsKeepPekkosWordsAsJson() throws Exception {
    assertThat(error(get("/param"), 404)).contains("'wait'");
  }

  /** Tests that a body over a size limit found while it is read is 413 in plain words. */
  @Test
  void tooLarge() throws Exception {
    assertThat(error(get("/large"), 413))
        .startsWith("the body is larger than 1024 bytes, the most a request may have");
  }

  /** Tests that a coordinator that did not answer in time is named so, without Pekko's types. */
  @Test
  void askTimeout() throws Exception {
    assertThat(error(get("/slow"), 500))
        .isEqualTo("the coordinator did not answer within 15 s; it may be busy: try again");
  }
}
