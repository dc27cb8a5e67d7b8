package cohort.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The coordinators a client may talk to: one, or an active one and those standing by for it. The
 * client talks to one at a time; when it cannot be reached, or stands by with none active, the next
 * one is tried, and a standby's redirect points the client at the active one.
 */
final class Coordinators {

  /** The header a standby marks its refusals with, while no coordinator is active. */
  static final String ROLE_HEADER = "Cohort-Role";

  private final List<URI> all;
  private volatile URI current;

  /**
   * @param all base URLs without a trailing slash, at least one
   */
  Coordinators(List<URI> all) {
    this.all = new ArrayList<>(all);
    this.current = all.get(0);
  }

  /**
   * The base URLs of {@code urls}, checked.
   *
   * @throws IllegalArgumentException when a URL is not an http(s) URL, or none is given
   */
  static List<URI> checked(List<URI> urls) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException(
          "no coordinator URL given: give one such as http://127.0.0.1:8470");
    }
    List<URI> bases = new ArrayList<>();
    for (URI url : urls) {
      if (url.getScheme() == null
          || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
          || url.getHost() == null) {
        throw new IllegalArgumentException(
            "coordinator URL '"
                + url
                + "' is not an http or https URL such as http://127.0.0.1:8470");
      }
      bases.add(base(url));
    }
    return bases;
  }

  /** The coordinator talked to now. */
  URI current() {
    return current;
  }

  int size() {
    return all.size();
  }

  /** {@code path} at the coordinator talked to now. */
  URI uri(String path) {
    return current.resolve(path);
  }

  /** Every coordinator, for messages. */
  String shown() {
    return all.stream().map(URI::toString).collect(Collectors.joining(" or "));
  }

  /**
   * The coordinator at {@code tried} could not serve: talks to the next one, unless another call
   * moved on already.
   *
   * @return whether another coordinator may be tried
   */
  synchronized boolean moveOn(URI tried) {
    if (all.size() < 2) {
      return false;
    }
    if (base(tried).equals(current)) {
      current = all.get((all.indexOf(current) + 1) % all.size());
    }
    return true;
  }

  /**
   * A standby's redirect to the active coordinator: talks to it from now on.
   *
   * @return the URI to ask again, if {@code response} is such a redirect
   */
  synchronized Optional<URI> redirected(HttpResponse<?> response) {
    if (response.statusCode() != 307) {
      return Optional.empty();
    }
    Optional<URI> target = response.headers().firstValue("Location").map(URI::create);
    target.ifPresent(
        uri -> {
          URI base = base(uri);
          if (!all.contains(base)) {
            all.add(base);
          }
          current = base;
        });
    return target;
  }

  /** Whether {@code response} is a standby saying that no coordinator is active yet. */
  static boolean standingBy(HttpResponse<?> response) {
    return response.statusCode() == 503
        && response.headers().firstValue(ROLE_HEADER).filter("standby"::equals).isPresent();
  }

  /** {@code request} sent to the same path at the coordinator talked to now. */
  HttpRequest retarget(HttpRequest request) {
    URI uri = request.uri();
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return HttpRequest.newBuilder(request, (name, value) -> true)
        .uri(current.resolve(path))
        .build();
  }

  private static URI base(URI uri) {
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }
}
