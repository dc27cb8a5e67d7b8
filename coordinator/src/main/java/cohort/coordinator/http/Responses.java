package cohort.coordinator.http;

import cohort.api.ApiError;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.Refused;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * JSON responses: a body with its status, an error {@code {"error": "..."}}, and the status each
 * kind of refusal gets.
 */
public final class Responses {

  private final ObjectMapper json;

  public Responses(ObjectMapper json) {
    this.json = json;
  }

  /** A JSON body with this status. */
  public HttpResponse ok(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** An error with this status, saying what is wrong and how to fix it. */
  public HttpResponse error(StatusCode status, String message) {
    return ok(status, new ApiError(message));
  }

  /** A refusal as HTTP: 400 for a wrong request, 503 to try again, 404, 409. */
  HttpResponse refused(Refused refused) {
    HttpResponse response = error(StatusCodes.get(refused.why().httpStatus()), refused.error());
    return refused.why() == ClientRequests.Refusal.BUSY
        ? response.addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(1L))
        : response;
  }

  /** The answer to a request the server gave up on: it took longer than its request timeout. */
  HttpResponse timedOut() {
    return error(
        StatusCodes.SERVICE_UNAVAILABLE,
        "the coordinator did not answer in time; it may be busy: try again");
  }

  /** The answer for an id no job has. */
  public HttpResponse unknownJob(String id) {
    return refused(Refused.unknownJob(id));
  }
}
