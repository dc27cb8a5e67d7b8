package cohort.coordinator.web;

import cohort.coordinator.ClientRequests;
import cohort.coordinator.http.ApiViews;
import cohort.coordinator.http.Asks;
import cohort.coordinator.http.Responses;
import cohort.coordinator.job.JobState;
import cohort.coordinator.joblog.JobLogFile;
import cohort.coordinator.results.ResultLog;
import cohort.coordinator.security.ApiAccess;
import cohort.coordinator.security.Sessions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The dashboard: its pages, its login, its live feed and the job details it shows.
 *
 * <pre>
 * GET  /ui/                    the dashboard (a browser without a session is sent to the login)
 * GET  /ui/login               the login form; ?once=CODE opens a session from a one-time link
 * POST /ui/login               token=TOKEN (a form): opens a session, a cookie
 * POST /ui/logout              ends it
 * POST /ui/link                a one-time link: {"path": "/ui/login?once=CODE"} (cohort dashboard)
 * GET  /ui/events              server-sent events: a snapshot of jobs and cluster every second
 * GET  /ui/jobs/{id}/detail    one job's settings, progress over time, results and errors
 * GET  /ui/assets/...          the dashboard's scripts and styles
 * GET  /webjars/...            the libraries it uses (uPlot), from the coordinator's class path
 * </pre>
 */
public final class DashboardRoutes extends AllDirectives {

  private static final String PAGES = "cohort/dashboard/";
  private static final int MAX_RESULT_LINE = 16 * 1024 * 1024;

  private final Asks asks;
  private final Executor blocking;
  private final Clock clock;
  private final Responses responses;
  private final ObjectMapper json;
  private final ApiAccess access;
  private final LiveFeed feed;
  private final Map<String, RanOn> ranOn = new ConcurrentHashMap<>();

  public DashboardRoutes(
      Asks asks,
      Executor blocking,
      Clock clock,
      Responses responses,
      ObjectMapper json,
      ApiAccess access) {
    this.asks = asks;
    this.blocking = blocking;
    this.clock = clock;
    this.responses = responses;
    this.json = json;
    this.access = access;
    this.feed = new LiveFeed(asks, json, clock).start();
  }

  /**
   * The routes under {@code /ui} and {@code /webjars}. The dashboard's own files are checked again
   * at every use (their ETag), so a browser never shows a page from its cache without the server
   * seeing a session first, and no other site may frame them; the WebJars, whose paths hold their
   * version, are kept for a year.
   */
  public Route routes() {
    return concat(
        pathPrefix(
            "ui",
            () ->
                respondWithHeaders(
                    List.of(
                        CacheControl.create(CacheDirectives.NO_CACHE),
                        // No page of another origin may frame the dashboard and trick clicks.
                        RawHeader.create("X-Frame-Options", "DENY"),
                        RawHeader.create("Content-Security-Policy", "frame-ancestors 'none'")),
                    this::uiRoutes)),
        pathPrefix(
            "webjars",
            () ->
                respondWithHeader(
                    CacheControl.create(
                        CacheDirectives.MAX_AGE(365L * 24 * 3600), CacheDirectives.IMMUTABLE),
                    () -> get(() -> getFromResourceDirectory("META-INF/resources/webjars")))));
  }

  private Route uiRoutes() {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> getFromResource(PAGES + "index.html"))),
        path(
            "login",
            () ->
                concat(
                    get(() -> parameterOptional("once", this::loginPage)),
                    post(() -> formFieldOptional("token", this::login)))),
        path("logout", () -> post(this::logout)),
        path("link", () -> post(this::link)),
        path("events", () -> get(this::events)),
        path(
            PathMatchers.segment("jobs").slash(PathMatchers.segment()).slash("detail"),
            id -> get(() -> detail(id))),
        pathPrefix("assets", () -> get(() -> getFromResourceDirectory(PAGES + "assets"))));
  }

  private Route loginPage(Optional<String> once) {
    if (once.isEmpty()) {
      return getFromResource(PAGES + "login.html");
    }
    return access
        .sessions()
        .redeem(once.get())
        .map(session -> withSession(session, () -> seeOther("/ui/")))
        .orElseGet(() -> seeOther(ApiAccess.LOGIN + "?expired"));
  }

  private Route login(Optional<String> token) {
    if (token.isPresent() && access.token().matches(token.get().strip())) {
      return withSession(access.sessions().open(), () -> seeOther("/ui/"));
    }
    return seeOther(ApiAccess.LOGIN + "?failed");
  }

  private Route logout() {
    return deleteCookie(Sessions.COOKIE, "", "/", () -> seeOther(ApiAccess.LOGIN));
  }

  private Route link() {
    return complete(
        responses.ok(
            StatusCodes.OK,
            Map.of("path", ApiAccess.LOGIN + "?once=" + access.sessions().newLink())));
  }

  private Route withSession(String session, Supplier<Route> inner) {
    return extractUri(
        uri ->
            setCookie(
                HttpCookie.create(Sessions.COOKIE, session)
                    .withPath("/")
                    .withHttpOnly(true)
                    .withSecure(uri.scheme().equals("https"))
                    .withSameSite(SameSite.Lax)
                    .withMaxAge(access.sessions().lifetime().toSeconds()),
                inner));
  }

  private Route seeOther(String path) {
    return redirect(Uri.create(path), StatusCodes.SEE_OTHER);
  }

  private Route events() {
    Source<ServerSentEvent, NotUsed> snapshots =
        Source.tick(Duration.ZERO, LiveFeed.PERIOD, "tick")
            .map(tick -> Optional.ofNullable(feed.latestJson()))
            .filter(Optional::isPresent)
            .map(snapshot -> ServerSentEvent.create(snapshot.get(), "snapshot"))
            .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat)
            .mapMaterializedValue(cancellable -> NotUsed.getInstance());
    return completeOK(snapshots, EventStreamMarshalling.toEventStream());
  }

  private Route detail(String id) {
    return completeWithFuture(
        asks.ask((ActorRef<Optional<JobState>> r) -> new ClientRequests.GetJob(id, r))
            .thenCompose(
                found ->
                    found
                        .map(this::detail)
                        .orElseGet(
                            () -> CompletableFuture.completedFuture(responses.unknownJob(id)))));
  }

  private CompletionStage<HttpResponse> detail(JobState job) {
    ranOn.keySet().removeIf(id -> !id.equals(job.id()) && feed.state().history(id).isEmpty());
    return asks.ask(
            (ActorRef<Optional<ResultLog>> r) -> new ClientRequests.OpenResults(job.id(), r))
        .thenCompose(
            log ->
                log.map(results -> sample(results, job.failed()))
                    .orElseGet(this::noSample)
                    .thenCombine(ranOn(job.id(), log), (sample, ran) -> detail(job, sample, ran)));
  }

  private HttpResponse detail(JobState job, ResultSample sample, Map<String, RanOn.Count> ran) {
    return responses.ok(
        StatusCodes.OK,
        JobDetail.of(
            job,
            ApiViews.status(job, clock.instant()),
            feed.state().history(job.id()),
            sample,
            ran));
  }

  /** Where the job's inputs ran, from the rows its job log gained since the page last asked. */
  private CompletionStage<Map<String, RanOn.Count>> ranOn(String id, Optional<ResultLog> log) {
    if (log.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    RanOn counts = ranOn.computeIfAbsent(id, job -> new RanOn());
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return counts.update(JobLogFile.beside(log.get().file()));
          } catch (IOException e) {
            throw new IllegalStateException(
                "cannot read the job log of job " + id + ": " + e.getMessage(), e);
          }
        },
        blocking);
  }

  private CompletionStage<ResultSample> noSample() {
    return CompletableFuture.completedFuture(new ResultSample(0));
  }

  /** The first results and errors of a job that had {@code failed} errors when asked. */
  private CompletionStage<ResultSample> sample(ResultLog log, long failed) {
    // One stream fills it, one line after the other; it stops as soon as the sample is full.
    ResultSample sample = new ResultSample(failed);
    return log.jsonLinesSoFar(blocking)
        .via(
            Framing.delimiter(
                ByteString.fromString("\n"), MAX_RESULT_LINE, FramingTruncation.ALLOW))
        .filter(line -> !line.isEmpty())
        .take(ResultSample.SCANNED)
        .map(this::parse)
        .takeWhile(result -> !sample.add(result).full(), true)
        .runWith(Sink.ignore(), asks.system())
        .thenApply(done -> sample);
  }

  private JsonNode parse(ByteString line) {
    try {
      return json.readTree(line.toArray());
    } catch (IOException e) {
      // The log renders its own frames: a line that is not JSON is a damaged results file.
      throw new IllegalStateException("a result of this job cannot be read back as JSON", e);
    }
  }
}
