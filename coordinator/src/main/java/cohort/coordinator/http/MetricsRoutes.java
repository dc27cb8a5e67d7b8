package cohort.coordinator.http;

import cohort.api.JobStatus;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.ClusterView;
import cohort.coordinator.job.JobState;
import cohort.coordinator.metrics.ClusterGauges;
import cohort.coordinator.metrics.CoordinatorMetrics;
import cohort.coordinator.metrics.MetricsText;
import cohort.coordinator.metrics.RouteTemplate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the coordinator's metrics in the Prometheus text format, behind the API's
 * token like every route but {@code /health} (Prometheus sends it with {@code authorization:
 * credentials_file}); and the counting of every request the API answers, by method, route template
 * ({@link RouteTemplate}) and status.
 *
 * <p>A scrape asks the coordinator for the cluster and the jobs, as {@code GET /cluster} and {@code
 * GET /jobs} do, and adds what {@link CoordinatorMetrics} counted: the coordinator only answers two
 * questions, and the text is made off its thread.
 */
final class MetricsRoutes extends AllDirectives {

  private static final ContentType TEXT = ContentTypes.parse(MetricsText.CONTENT_TYPE);

  private final Asks asks;
  private final CoordinatorMetrics metrics;
  private final Clock clock;
  private final Executor executor;

  MetricsRoutes(Asks asks, CoordinatorMetrics metrics, Clock clock) {
    this.asks = asks;
    this.metrics = metrics;
    this.clock = clock;
    this.executor = asks.system().executionContext();
  }

  /** The metrics now. */
  Route scrape() {
    CompletionStage<ClusterView> cluster = asks.ask(ClientRequests.GetCluster::new);
    CompletionStage<List<JobState>> jobs = asks.ask(ClientRequests.ListJobs::new);
    return completeWithFuture(cluster.thenCombineAsync(jobs, this::text, executor));
  }

  private HttpResponse text(ClusterView view, List<JobState> jobs) {
    Instant now = clock.instant();
    List<JobStatus> statuses = jobs.stream().map(job -> ApiViews.status(job, now)).toList();
    byte[] text =
        MetricsText.render(
            metrics.scrape(),
            ClusterGauges.of(ApiViews.cluster(view), statuses, view.resultLogBytes()));
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(TEXT, text));
  }

  /** Counts every answer of {@code inner} by method, route template and status. */
  Route measured(Supplier<Route> inner) {
    return extractRequest(
        request ->
            mapResponse(
                response -> {
                  metrics.answered(
                      RouteTemplate.method(request.method().name()),
                      RouteTemplate.of(request.getUri().path()),
                      response.status().intValue());
                  return response;
                },
                inner));
  }
}
