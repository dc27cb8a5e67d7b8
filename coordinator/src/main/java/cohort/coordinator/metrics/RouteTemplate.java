package cohort.coordinator.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The route a request path belongs to, as a template such as {@code /jobs/{id}/results}: what the
 * HTTP request counter is labelled with, so ids never become labels and the number of series stays
 * bounded whatever paths clients send.
 */
public final class RouteTemplate {

  /** The template of every path no route serves. */
  public static final String OTHER = "other";

  private static final Set<String> JOB_PARTS = Set.of("results", "inputs", "blobs", "log");
  private static final Set<String> SINGLE =
      Set.of("cluster", "health", "tasks", "metrics", "deployments");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private RouteTemplate() {}

  /** The template of a request path (without its query). */
  public static String of(String path) {
    List<String> parts = Arrays.stream(path.split("/")).filter(part -> !part.isEmpty()).toList();
    if (parts.isEmpty()) {
      return OTHER;
    }
    String first = parts.get(0);
    int size = parts.size();
    if (size == 1 && (SINGLE.contains(first) || first.equals("jobs"))) {
      return "/" + first;
    }
    if (first.equals("jobs")) {
      if (size == 2) {
        return "/jobs/{id}";
      }
      if (size == 3 && JOB_PARTS.contains(parts.get(2))) {
        return "/jobs/{id}/" + parts.get(2);
      }
    }
    if (first.equals("blobs") && size == 3) {
      return "/blobs/{job}/{n}";
    }
    if (first.equals("code") && size == 2) {
      return "/code/{digest}";
    }
    if (first.equals("broadcasts") && size == 2) {
      return "/broadcasts/{digest}";
    }
    if (first.equals("ui")) {
      return dashboard(parts);
    }
    if (first.equals("webjars")) {
      return "/webjars/{file}";
    }
    return OTHER;
  }

  private static final Set<String> UI_PAGES = Set.of("login", "logout", "link", "events");

  /** The dashboard's templates: its page, login, feed, a job's detail, its files. */
  private static String dashboard(List<String> parts) {
    int size = parts.size();
    if (size == 1) {
      return "/ui";
    }
    String second = parts.get(1);
    if (size == 2 && UI_PAGES.contains(second)) {
      return "/ui/" + second;
    }
    if (size == 4 && second.equals("jobs") && parts.get(3).equals("detail")) {
      return "/ui/jobs/{id}/detail";
    }
    if (second.equals("assets")) {
      return "/ui/assets/{file}";
    }
    return OTHER;
  }

  /** The method as a label: one of the methods HTTP defines, or {@link #OTHER}. */
  public static String method(String method) {
    return METHODS.contains(method) ? method : OTHER;
  }
}
