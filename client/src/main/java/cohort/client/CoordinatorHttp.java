package cohort.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How {@link CohortClient} calls the coordinator: a request to the current coordinator with the
 * request timeout, sent through {@link Failover}, an error status turned into a {@link
 * CohortException} with the coordinator's explanation, and the answer read as JSON or as a stream.
 * Kept apart so that the client's methods say only which route they call and what comes back.
 */
final class CoordinatorHttp {

  private final Coordinators coordinators;
  private final Failover failover;
  private final CoordinatorErrors errors;
  private final ObjectMapper json;
  private final Duration requestTimeout;

  CoordinatorHttp(
      Coordinators coordinators,
      Failover failover,
      CoordinatorErrors errors,
      ObjectMapper json,
      Duration requestTimeout) {
    this.coordinators = coordinators;
    this.failover = failover;
    this.errors = errors;
    this.json = json;
    this.requestTimeout = requestTimeout;
  }

  /** A request to {@code path} on the current coordinator, with the request timeout. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(coordinators.uri(path)).timeout(requestTimeout);
  }

  /** Sends a request; its response, once the status is not an error. */
  HttpResponse<byte[]> send(HttpRequest request) {
    HttpResponse<byte[]> response = failover.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() >= 300) {
      throw errors.failure(
          response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    return response;
  }

  <T> T read(HttpResponse<byte[]> response, Class<T> type) {
    try {
      return json.readValue(response.body(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("the coordinator sent malformed JSON: " + e.getMessage(), e);
    }
  }

  <T> T read(HttpResponse<byte[]> response, TypeReference<T> type) {
    try {
      return json.readValue(response.body(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("the coordinator sent malformed JSON: " + e.getMessage(), e);
    }
  }

  /** Asks for a stream in the given media type; the response, once it is 200. */
  HttpResponse<InputStream> open(String path, String mediaType) {
    HttpRequest get =
        HttpRequest.newBuilder(coordinators.uri(path)).header("Accept", mediaType).GET().build();
    HttpResponse<InputStream> response =
        failover.send(get, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      try (InputStream body = response.body()) {
        throw errors.failure(
            response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw errors.unreachable(e);
      }
    }
    return response;
  }
}
