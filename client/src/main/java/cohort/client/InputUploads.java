package cohort.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Sends a streamed job's inputs in one request, one JSON value per line, pulled from the caller's
 * iterator only as fast as the coordinator reads them: {@link CohortClient#sendInputs(String,
 * Iterator)}. Not through {@link Failover}: a body read from an iterator cannot be sent twice, so a
 * coordinator that stands by is an error here, which {@link ResumedUpload} answers by sending on
 * from the first input the active one lacks.
 */
final class InputUploads {

  private final HttpClient http;
  private final Coordinators coordinators;
  private final CoordinatorErrors errors;
  private final Credentials credentials;
  private final ObjectMapper json;

  InputUploads(
      HttpClient http,
      Coordinators coordinators,
      CoordinatorErrors errors,
      Credentials credentials,
      ObjectMapper json) {
    this.http = http;
    this.coordinators = coordinators;
    this.errors = errors;
    this.credentials = credentials;
    this.json = json;
  }

  /** Sends the inputs; returns how many the job has once they are all admitted. */
  long send(String id, Iterator<? extends JsonNode> inputs) {
    HttpRequest post =
        HttpRequest.newBuilder(coordinators.uri("/jobs/" + id + "/inputs"))
            .header("Content-Type", "application/x-ndjson")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(() -> new NdjsonInputStream(inputs, json)))
            .build();
    try {
      HttpResponse<byte[]> response =
          http.send(credentials.authorize(post), HttpResponse.BodyHandlers.ofByteArray());
      if (coordinators.redirected(response).isPresent() || Coordinators.standingBy(response)) {
        // Sent again to the active coordinator, from the first input it does not have.
        throw new CohortException(
            "the coordinator at " + post.uri().getAuthority() + " stands by", 0, null);
      }
      if (response.statusCode() >= 300) {
        throw errors.failure(
            response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
      }
      return json.readTree(response.body()).path("inputs").asLong();
    } catch (IOException e) {
      coordinators.moveOn(post.uri());
      throw new CohortException(
          "the upload of the inputs of job "
              + id
              + " to "
              + post.uri().getAuthority()
              + " broke: "
              + e.getMessage(),
          0,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CohortException("interrupted while sending inputs", 0, e);
    }
  }
}
