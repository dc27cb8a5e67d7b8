package cohort.coordinator.http;

import cohort.api.ApiJson;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request so malformed that no route sees it (a request line or a header that does
 * not parse, a header too long): a JSON error like every other, instead of the HTTP server's plain
 * text. Named in the server's settings ({@code pekko.http.server.parsing.error-handler}), which
 * create it with its no-argument constructor.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {

  private final Responses responses = new Responses(ApiJson.newMapper());

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    // What cannot be parsed is the client's error, whatever the parser says: not a 501 for an
    // unknown method or a 505 for an unknown HTTP version, which monitoring counts as the server's.
    org.apache.pekko.http.javadsl.model.StatusCode answer =
        status.intValue() >= 500
            ? org.apache.pekko.http.javadsl.model.StatusCodes.BAD_REQUEST
            : status;
    log.warning("refused a malformed HTTP request with {}: {}", answer.intValue(), info.summary());
    return responses.error(
        answer, "the request is not valid HTTP: " + info.summary() + "; fix the client's request");
  }
}
