package cohort.client;

import cohort.api.ApiError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * What a {@link CohortClient} says when a request fails: the coordinator cannot be reached, did not
 * answer in time, broke off a stream, or answered with an error, whose explanation it reads.
 */
final class CoordinatorErrors {

  private final URI base;
  private final ObjectMapper json;

  CoordinatorErrors(URI base, ObjectMapper json) {
    this.base = base;
    this.json = json;
  }

  CohortException unreachable(IOException e) {
    String reason =
        e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
    return new CohortException(
        "cannot reach the coordinator at "
            + base
            + " ("
            + reason
            + "); start one with 'cohort coordinator' or 'cohort local', or point --coordinator"
            + " or COHORT_COORDINATOR at a running one",
        0,
        e);
  }

  CohortException timedOut(Duration timeout, HttpTimeoutException e) {
    return new CohortException(
        "the coordinator at "
            + base
            + " did not answer within "
            + timeout.toSeconds()
            + " s; check that it is running and not overloaded",
        0,
        e);
  }

  /** The stream of job {@code id}'s results broke. */
  CohortException lost(String id, IOException e) {
    return new CohortException(
        "lost the connection to the coordinator at "
            + base
            + " while reading job "
            + id
            + "'s results ("
            + e.getMessage()
            + ")",
        0,
        e);
  }

  /** The coordinator answered {@code status}: its explanation, from the body. */
  CohortException failure(int status, String body) {
    String message;
    try {
      message = json.readValue(body, ApiError.class).error();
    } catch (JsonProcessingException e) {
      message = body.isBlank() ? "no explanation" : body;
    }
    return new CohortException(message, status, null);
  }
}
