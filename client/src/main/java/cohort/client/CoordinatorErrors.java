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

  private final Coordinators coordinators;
  private final ObjectMapper json;
  private final Credentials credentials;

  /**
   * @param credentials what the client presents, named when the coordinator refuses its token
   */
  CoordinatorErrors(Coordinators coordinators, ObjectMapper json, Credentials credentials) {
    this.coordinators = coordinators;
    this.json = json;
    this.credentials = credentials;
  }

  CohortException unreachable(IOException e) {
    if (e instanceof javax.net.ssl.SSLHandshakeException && !refusedCertificate(e)) {
      // A coordinator starting or stopping closes connections mid-handshake: not a trust problem.
      return new CohortException(
          "the coordinator at "
              + coordinators.shown()
              + " broke off the HTTPS handshake ("
              + e.getMessage()
              + "): it may be starting or stopping; try again in a moment",
          0,
          e);
    }
    if (e instanceof javax.net.ssl.SSLHandshakeException) {
      return new CohortException(
          "cannot speak HTTPS with the coordinator at "
              + coordinators.shown()
              + " ("
              + e.getMessage()
              + "): is its certificate from a CA this client trusts? Give the CA's certificate"
              + " with --tls-ca or COHORT_TLS_CA",
          0,
          e);
    }
    if (String.valueOf(e.getMessage()).contains("header parser received no bytes")) {
      // The JDK's words for a connection closed before any answer: a coordinator starting or
      // stopping takes connections it does not serve.
      return new CohortException(
          "the coordinator at "
              + coordinators.shown()
              + " closed the connection without answering: it may be starting or stopping; try"
              + " again in a moment",
          0,
          e);
    }
    String reason =
        e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
    return new CohortException(
        "cannot reach the coordinator at "
            + coordinators.shown()
            + " ("
            + reason
            + "); start one with 'cohort coordinator' or 'cohort local', or point --coordinator"
            + " or COHORT_COORDINATOR at a running one",
        0,
        e);
  }

  /** Whether a handshake failed on the coordinator's certificate (its CA, name or dates). */
  private static boolean refusedCertificate(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.security.cert.CertificateException
          || cause instanceof java.security.GeneralSecurityException) {
        return true;
      }
    }
    return false;
  }

  /** Every coordinator stands by and none is active yet: worth asking again soon. */
  CohortException standingBy(URI asked) {
    return new CohortException(
        "no coordinator is active yet at "
            + coordinators.shown()
            + ": the one at "
            + asked.getAuthority()
            + " stands by, and one of them takes over within its lease; try again",
        0,
        null);
  }

  CohortException timedOut(Duration timeout, HttpTimeoutException e) {
    return new CohortException(
        "the coordinator at "
            + coordinators.current()
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
            + coordinators.current()
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
    if (status == 401) {
      message = message + " (" + credentials.describe() + ")";
    }
    return new CohortException(message, status, null);
  }
}
