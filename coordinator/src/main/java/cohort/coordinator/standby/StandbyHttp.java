package cohort.coordinator.standby;

import cohort.api.ApiJson;
import cohort.coordinator.http.Responses;
import cohort.coordinator.security.ApiAccess;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.stream.Materializer;

/**
 * What a standby coordinator answers over HTTP: {@code GET /health} says it stands by and who is
 * active; every other request is redirected to the active coordinator with its method and body kept
 * (307), or refused with 503 and {@code Retry-After} while none is active, marked {@code
 * Cohort-Role: standby} so that clients try again rather than give up.
 */
public final class StandbyHttp {

  /** The header that marks a standby's refusal. */
  public static final String ROLE_HEADER = "Cohort-Role";

  private final Responses responses = new Responses(ApiJson.newMapper());
  private final String incarnation;
  private final Supplier<String> ownUrl;
  private final Supplier<Optional<Lease.Holder>> active;
  private final ApiAccess access;

  /**
   * @param incarnation this coordinator's cluster member id, as {@code /health} gives it
   * @param ownUrl where this coordinator serves HTTP, once it does
   * @param active who leads, as last read
   * @param access who may make requests: a standby too answers only those with the token, but for
   *     {@code /health}
   */
  public StandbyHttp(
      String incarnation,
      Supplier<String> ownUrl,
      Supplier<Optional<Lease.Holder>> active,
      ApiAccess access) {
    this.incarnation = incarnation;
    this.ownUrl = ownUrl;
    this.active = active;
    this.access = access;
  }

  /** The answer to {@code request}, whose body is discarded. */
  public HttpResponse answer(HttpRequest request, Materializer materializer) {
    request.discardEntityBytes(materializer);
    Optional<HttpResponse> refused = access.refusal(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    String path = request.getUri().path();
    Optional<Lease.Holder> leader =
        active.get().filter(holder -> !holder.httpUrl().equals(ownUrl.get()));
    if (path.equals(ApiAccess.HEALTH)) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "standby");
      body.put("role", "standby");
      body.put("incarnation", incarnation);
      body.put("active", leader.map(Lease.Holder::httpUrl).orElse(null));
      return responses.ok(StatusCodes.OK, body);
    }
    if (leader.isPresent()) {
      String query = request.getUri().rawQueryString().map(q -> "?" + q).orElse("");
      String target = leader.get().httpUrl() + path + query;
      return responses
          .error(
              StatusCodes.TEMPORARY_REDIRECT,
              "this coordinator stands by; the active one is " + leader.get().httpUrl())
          .addHeader(Location.create(target));
    }
    return responses
        .error(
            StatusCodes.SERVICE_UNAVAILABLE,
            "this coordinator stands by and no coordinator is active yet: one takes over within"
                + " the lease (cohort.coordinator.lease); try again")
        .addHeader(RetryAfter.create(1L))
        .addHeader(RawHeader.create(ROLE_HEADER, "standby"));
  }
}
