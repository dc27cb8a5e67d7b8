package cohort.coordinator.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API answers when a route does not: Pekko's rejections (no such path, a wrong method, a
 * body too large or unreadable, a content type a route does not take) and failures, all as JSON
 * errors in plain words. A rejection without words of its own here gets Pekko's answer, with its
 * text moved into a JSON error.
 */
final class HttpErrors extends AllDirectives {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private static final long MIB = 1024 * 1024;

  private final Responses responses;
  private final Duration askTimeout;

  /**
   * @param askTimeout how long a request waits for the coordinator, for the message when it did not
   *     answer
   */
  HttpErrors(Responses responses, Duration askTimeout) {
    this.responses = responses;
    this.askTimeout = askTimeout;
  }

  /** Every rejection as a JSON error. */
  RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejected -> complete(wrongMethod(rejected)))
        .handle(MalformedRequestContentRejection.class, rejected -> complete(malformed(rejected)))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            rejected ->
                complete(
                    responses.error(
                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "this route does not take a body of this Content-Type; send "
                            + rejected.getSupported().stream()
                                .map(Object::toString)
                                .sorted()
                                .collect(Collectors.joining(" or ")))))
        .handleNotFound(
            extractUnmatchedPath(
                path ->
                    complete(
                        responses.error(
                            StatusCodes.NOT_FOUND,
                            "no endpoint at "
                                + path
                                + "; the API has /jobs, /jobs/{id}, /jobs/{id}/results,"
                                + " /jobs/{id}/inputs, /jobs/{id}/blobs, /blobs, /cluster and"
                                + " /tasks"))))
        .build()
        .withFallback(RejectionHandler.defaultHandler().mapRejectionResponse(this::asJson));
  }

  /** Every failure of a route as a JSON error. */
  ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> complete(tooLarge(e.limit())))
        .matchAny(failure -> complete(failed(failure)))
        .build();
  }

  private HttpResponse wrongMethod(List<MethodRejection> rejected) {
    return responses.error(
        StatusCodes.METHOD_NOT_ALLOWED,
        "method not allowed here; use "
            + rejected.stream()
                .map(r -> r.supported().name())
                .distinct()
                .reduce((a, b) -> a + " or " + b)
                .orElse("another method"));
  }

  private HttpResponse malformed(MalformedRequestContentRejection rejected) {
    if (rejected.getCause() instanceof EntityStreamSizeException tooLarge) {
      return tooLarge(tooLarge.limit());
    }
    return responses.error(
        StatusCodes.BAD_REQUEST, "the body cannot be read: " + rejected.message());
  }

  /** The answer to a body over the size limit of {@code limit} bytes. */
  HttpResponse tooLarge(long limit) {
    String size = limit % MIB == 0 ? limit / MIB + " MiB" : limit + " bytes";
    return responses.error(
        StatusCodes.CONTENT_TOO_LARGE,
        "the body is larger than "
            + size
            + ", the most a request may have; send many inputs as a stream (\"stream\": true,"
            + " then POST them to /jobs/{id}/inputs) or as a 'range'");
  }

  private HttpResponse failed(Throwable thrown) {
    Throwable failure =
        thrown instanceof CompletionException && thrown.getCause() != null
            ? thrown.getCause()
            : thrown;
    if (failure instanceof AskTimeoutException || failure instanceof TimeoutException) {
      return responses.error(
          StatusCodes.INTERNAL_SERVER_ERROR,
          "the coordinator did not answer within "
              + askTimeout.toSeconds()
              + " s; it may be busy: try again");
    }
    LOG.error("a request failed", failure);
    return responses.error(
        StatusCodes.INTERNAL_SERVER_ERROR,
        "the coordinator failed to answer: " + failure.getMessage());
  }

  /** Pekko's answer to a rejection, with its text as a JSON error. */
  private HttpResponse asJson(HttpResponse answer) {
    if (answer.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return responses
          .error(answer.status(), strict.getData().utf8String().strip())
          .addHeaders(answer.getHeaders());
    }
    return answer;
  }
}
