package cohort.coordinator.web;

import cohort.api.ClusterStatus;
import cohort.api.JobStatus;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.ClusterView;
import cohort.coordinator.http.ApiViews;
import cohort.coordinator.http.Asks;
import cohort.coordinator.job.JobState;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the coordinator once a {@link #PERIOD} for the dashboard: every job and the cluster, into
 * a {@link LiveState}, and renders the snapshot every open dashboard is sent. One sample serves any
 * number of browsers; it runs from the API's start until the actor system stops.
 */
public final class LiveFeed {

  /** How often the coordinator is sampled and the browsers are sent a snapshot. */
  public static final Duration PERIOD = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

  private final Asks asks;
  private final ObjectMapper json;
  private final Clock clock;
  private final LiveState state = new LiveState();
  private final AtomicReference<String> latest = new AtomicReference<>();

  public LiveFeed(Asks asks, ObjectMapper json, Clock clock) {
    this.asks = asks;
    this.json = json;
    this.clock = clock;
  }

  /** Starts sampling; it stops with the actor system. */
  public LiveFeed start() {
    Source.tick(Duration.ZERO, PERIOD, "sample")
        .mapAsync(1, tick -> sample().exceptionally(this::missed))
        .runWith(Sink.ignore(), asks.system());
    return this;
  }

  /** The live state sampled so far. */
  public LiveState state() {
    return state;
  }

  /** The latest snapshot as JSON, or null before the first sample. */
  public String latestJson() {
    return latest.get();
  }

  private CompletionStage<String> sample() {
    CompletionStage<List<JobState>> jobs = asks.ask(ClientRequests.ListJobs::new);
    CompletionStage<ClusterView> cluster =
        asks.ask((ActorRef<ClusterView> r) -> new ClientRequests.GetCluster(r));
    // Off the coordinator's thread, which completes the asks: the views and the JSON are ours.
    return jobs.thenCombineAsync(
        cluster,
        (states, view) -> {
          Instant now = clock.instant();
          List<JobStatus> statuses = states.stream().map(job -> ApiViews.status(job, now)).toList();
          ClusterStatus status = ApiViews.cluster(view);
          state.record(now, statuses, status);
          try {
            latest.set(json.writeValueAsString(state.latest()));
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("the dashboard's snapshot is not JSON", e);
          }
          return "sampled";
        },
        asks.system().executionContext());
  }

  private String missed(Throwable e) {
    // The coordinator may be busy or stopping: the next sample tries again.
    log.debug("The dashboard's sample of the coordinator failed: {}", e.toString());
    return "missed";
  }
}
