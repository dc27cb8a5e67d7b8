package cohort.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Sends a client's requests to one of its {@link Coordinators}: the one talked to now, the next
 * when it cannot be reached (nothing sent) or stands by with none active, and the active one when a
 * standby redirects.
 */
final class Failover {

  private final HttpClient http;
  private final Coordinators coordinators;
  private final CoordinatorErrors errors;
  private final Duration timeout;
  private final Credentials credentials;

  /**
   * @param timeout how long a request may take, for the message when it took longer
   * @param credentials the token every request carries
   */
  Failover(
      HttpClient http,
      Coordinators coordinators,
      CoordinatorErrors errors,
      Duration timeout,
      Credentials credentials) {
    this.http = http;
    this.credentials = credentials;
    this.coordinators = coordinators;
    this.errors = errors;
    this.timeout = timeout;
  }

  /**
   * Sends {@code request}, with the client's token, to the coordinator talked to now; when it
   * cannot be reached or stands by with none active, to the others in turn, and to the active one
   * when a standby redirects.
   */
  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    int unanswered = 0;
    for (int redirects = 0; ; ) {
      try {
        HttpRequest sent = credentials.authorize(request);
        HttpResponse<T> response = http.send(sent, body);
        if (response.statusCode() == 401 && credentials.refused(sent)) {
          discard(response);
          continue; // another token found in the environment may be this coordinator's
        }
        if (redirects < coordinators.size() && coordinators.redirected(response).isPresent()) {
          redirects++;
          discard(response);
          request = coordinators.retarget(request);
          continue;
        }
        if (!Coordinators.standingBy(response)) {
          return response;
        }
        discard(response);
        if (!coordinators.moveOn(request.uri()) || ++unanswered >= coordinators.size()) {
          throw errors.standingBy(request.uri());
        }
      } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
        // Nothing was sent: another coordinator may take the request.
        if (!coordinators.moveOn(request.uri()) || ++unanswered >= coordinators.size()) {
          throw errors.unreachable(e);
        }
      } catch (HttpTimeoutException e) {
        throw errors.timedOut(timeout, e);
      } catch (IOException e) {
        // It may have been done: the caller decides whether to ask again, of the next one.
        coordinators.moveOn(request.uri());
        throw errors.unreachable(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CohortException("interrupted while waiting for the coordinator", 0, e);
      }
      request = coordinators.retarget(request);
    }
  }

  private static void discard(HttpResponse<?> response) {
    if (response.body() instanceof InputStream stream) {
      try {
        stream.close();
      } catch (IOException e) {
        // Nothing was wanted from it.
      }
    }
  }
}
