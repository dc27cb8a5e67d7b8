package cohort.coordinator.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.head;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.Directives.withoutRequestTimeout;

import cohort.api.JobRequest;
import cohort.api.TaskInfo;
import cohort.api.code.CodeRef;
import cohort.api.code.DeployRequest;
import cohort.api.code.Deployment;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.ClusterView;
import cohort.coordinator.code.CodeStore;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol.CodeDescribed;
import cohort.protocol.WorkerProtocol.DescribeCode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.javadsl.FileIO;

/**
 * The routes of code that travels: jars by digest ({@code PUT /code/{sha256}} from clients, {@code
 * GET /code/{sha256}} for nodes, {@code HEAD} to ask whether it is here), deployments ({@code POST}
 * and {@code GET /deployments}), the task list with where each task comes from ({@code GET
 * /tasks}), and what a submission's code means ({@link #resolve}). File work runs on the blocking
 * executor.
 */
final class CodeRoutes {

  /** How long a node may take to fetch, load and describe jars being deployed. */
  static final Duration DESCRIBE_TIMEOUT = Duration.ofMinutes(2);

  /** A submission with its code settled, or the answer that refuses it. */
  record Resolved(JobRequest request, HttpResponse refusal) {}

  private final Asks asks;
  private final Executor blocking;
  private final CodeStore code;
  private final Responses responses;
  private final ObjectMapper json;
  private final Clock clock;

  CodeRoutes(
      Asks asks,
      Executor blocking,
      CodeStore code,
      Responses responses,
      ObjectMapper json,
      Clock clock) {
    this.asks = asks;
    this.blocking = blocking;
    this.code = code;
    this.responses = responses;
    this.json = json;
    this.clock = clock;
  }

  /** {@code /code/{sha256}}: {@code PUT} a jar, {@code GET} (or {@code HEAD}) it. */
  Route codeRoutes() {
    return path(
        PathMatchers.segment(),
        digest ->
            concat(
                get(() -> withoutRequestTimeout(() -> checked(digest, this::serve))),
                head(() -> checked(digest, this::present)),
                put(
                    () ->
                        withSizeLimit(
                            CodeRef.MAX_JAR_BYTES,
                            () -> withoutRequestTimeout(() -> checked(digest, this::upload))))));
  }

  /** The route for a digest that is one; 400 saying what a digest looks like otherwise. */
  private Route checked(String digest, java.util.function.Function<String, Route> route) {
    try {
      return route.apply(CodeRef.checkDigest(digest));
    } catch (IllegalArgumentException e) {
      return complete(responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
  }

  private Route serve(String digest) {
    return completeWithFuture(
        CompletableFuture.supplyAsync(() -> code.jar(digest), blocking)
            .thenApply(
                jar ->
                    jar.map(
                            file ->
                                HttpResponse.create()
                                    .withEntity(
                                        HttpEntities.create(
                                            org.apache.pekko.http.javadsl.model.ContentTypes
                                                .APPLICATION_OCTET_STREAM,
                                            file)))
                        .orElseGet(() -> notHere(digest))));
  }

  /** {@code HEAD}: 200 when the jar is here, 404 when not; no body either way. */
  private Route present(String digest) {
    return completeWithFuture(
        CompletableFuture.supplyAsync(() -> code.jar(digest).isPresent(), blocking)
            .thenApply(
                here ->
                    HttpResponse.create()
                        .withStatus(here ? StatusCodes.OK : StatusCodes.NOT_FOUND)));
  }

  private HttpResponse notHere(String digest) {
    return responses.error(
        StatusCodes.NOT_FOUND,
        "jar " + digest + " is not on the coordinator; upload it with PUT /code/" + digest);
  }

  private Route upload(String digest) {
    return extractRequestEntity(
        entity ->
            completeWithFuture(
                CompletableFuture.supplyAsync(() -> code.jar(digest).isPresent(), blocking)
                    .thenCompose(
                        present -> {
                          if (present) {
                            entity.discardBytes(asks.system());
                            return CompletableFuture.completedFuture(
                                responses.ok(StatusCodes.OK, Map.of("code", digest)));
                          }
                          return CompletableFuture.supplyAsync(code::receiving, blocking)
                              .thenCompose(file -> receive(entity, digest, file));
                        })));
  }

  private CompletionStage<HttpResponse> receive(
      org.apache.pekko.http.javadsl.model.RequestEntity entity, String digest, Path file) {
    return entity
        .getDataBytes()
        .runWith(FileIO.toPath(file), asks.system())
        .thenApplyAsync(
            written -> {
              code.keep(digest, file);
              return responses.ok(StatusCodes.CREATED, Map.of("code", digest));
            },
            blocking)
        .exceptionally(
            failure -> {
              CompletableFuture.runAsync(() -> file.toFile().delete(), blocking);
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              for (Throwable at = cause; at != null; at = at.getCause()) {
                if (at instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
                  return responses.error(
                      StatusCodes.PAYLOAD_TOO_LARGE,
                      "a jar may have at most "
                          + (CodeRef.MAX_JAR_BYTES >> 20)
                          + " MiB; ship its libraries as jars of their own");
                }
              }
              return responses.error(
                  StatusCodes.BAD_REQUEST,
                  cause instanceof IllegalArgumentException
                      ? cause.getMessage()
                      : "the upload of jar " + digest + " broke: " + cause.getMessage());
            });
  }

  /** {@code /deployments}: {@code POST} deploys jars already uploaded, {@code GET} lists them. */
  Route deploymentRoutes() {
    return pathEndOrSingleSlash(
        () ->
            concat(
                get(
                    () ->
                        completeWithFuture(
                            CompletableFuture.supplyAsync(
                                () -> responses.ok(StatusCodes.OK, code.deployments().all()),
                                blocking))),
                post(
                    () ->
                        withRequestTimeoutOf(
                            entity(Unmarshaller.entityToByteArray(), this::deploy)))));
  }

  private static Route withRequestTimeoutOf(Route inner) {
    return org.apache.pekko.http.javadsl.server.Directives.withRequestTimeout(
        DESCRIBE_TIMEOUT.plusSeconds(10), () -> inner);
  }

  private Route deploy(byte[] body) {
    DeployRequest request;
    try {
      request = json.readValue(body, DeployRequest.class);
      if (request.code() == null) {
        throw new IllegalArgumentException(
            "the deployment names no code: give {\"code\":{\"jars\":[SHA256, ...]}}");
      }
    } catch (IllegalArgumentException e) {
      return complete(responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    } catch (java.io.IOException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      return complete(
          responses.error(
              StatusCodes.BAD_REQUEST,
              "the deployment is not {\"code\":{\"jars\":[SHA256, ...]},\"names\":[...]}: "
                  + cause.getMessage()));
    }
    CodeRef jars = CodeRef.of(request.code().jars());
    return completeWithFuture(
        CompletableFuture.supplyAsync(() -> code.missing(jars), blocking)
            .thenCompose(
                missing ->
                    missing.isEmpty()
                        ? describeAndKeep(jars, request.names())
                        : CompletableFuture.completedFuture(notHere(missing.get(0)))));
  }

  private CompletionStage<HttpResponse> describeAndKeep(CodeRef jars, List<String> names) {
    return asks.ask((ActorRef<ClusterView> r) -> new ClientRequests.GetCluster(r))
        .thenCompose(
            view -> {
              Optional<ActorRef<cohort.protocol.WorkerProtocol.Command>> node =
                  view.nodes().nodes().stream()
                      .filter(n -> n.available() && n.offers(TaskSpec.SHIPPED_CODE))
                      .map(n -> n.worker())
                      .findFirst();
              if (node.isEmpty()) {
                return CompletableFuture.completedFuture(
                    responses.error(
                        StatusCodes.SERVICE_UNAVAILABLE,
                        "no node that runs shipped code is up to check the jars on; start a node"
                            + " (without --no-shipped-code) and deploy again"));
              }
              return AskPattern.ask(
                      node.get(),
                      (ActorRef<CodeDescribed> replyTo) -> new DescribeCode(jars, replyTo),
                      DESCRIBE_TIMEOUT,
                      asks.system().scheduler())
                  .thenComposeAsync(described -> keep(jars, names, described, view), blocking)
                  .exceptionally(this::deployFailed);
            });
  }

  private HttpResponse deployFailed(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return responses.error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "the node checking the jars did not answer within "
              + DESCRIBE_TIMEOUT.toMinutes()
              + " min (it may have left the cluster); deploy again");
    }
    return responses.error(
        StatusCodes.INTERNAL_SERVER_ERROR,
        "the deployment could not be kept: " + cause.getMessage());
  }

  private CompletionStage<HttpResponse> keep(
      CodeRef jars, List<String> names, CodeDescribed described, ClusterView view) {
    if (described.error() != null) {
      return CompletableFuture.completedFuture(
          responses.error(
              StatusCodes.BAD_REQUEST, "the jars cannot be deployed: " + described.error()));
    }
    for (TaskInfo task : described.tasks()) {
      if (view.nodes().tasks().stream()
          .anyMatch(installed -> installed.name().equals(task.name()))) {
        return CompletableFuture.completedFuture(
            responses.error(
                StatusCodes.CONFLICT,
                "task '"
                    + task.name()
                    + "' is installed on the nodes already; give the deployed task a name of its"
                    + " own"));
      }
    }
    Deployment deployment =
        new Deployment(jars, names, described.tasks(), clock.instant().toString());
    List<TaskInfo> shown = new ArrayList<>();
    described.tasks().forEach(task -> shown.add(task.withOrigin(deployment.origin())));
    Deployment kept = new Deployment(jars, names, shown, deployment.deployedAt());
    code.deployments().add(kept);
    return CompletableFuture.completedFuture(responses.ok(StatusCodes.CREATED, kept));
  }

  /**
   * A submission with its code settled: a job that brings code must name jars the coordinator has;
   * one that brings none and names a deployed task runs the deployed code.
   */
  CompletionStage<Resolved> resolve(JobRequest request) {
    return CompletableFuture.supplyAsync(
        () -> {
          if (request == null) {
            return new Resolved(null, null); // a body of JSON null: parsing refuses it
          }
          if (request.code() != null) {
            List<String> missing = code.missing(request.code());
            return missing.isEmpty()
                ? new Resolved(request, null)
                : new Resolved(request, notHere(missing.get(0)));
          }
          if (request.task() == null) {
            return new Resolved(request, null);
          }
          return code.deployments()
              .of(request.task().trim())
              .map(deployed -> new Resolved(deployed(request, deployed), null))
              .orElseGet(() -> new Resolved(request, null));
        },
        blocking);
  }

  /** A job of a deployed task: its code, and the task's own combiner when the job names none. */
  private static JobRequest deployed(JobRequest request, Deployment deployment) {
    JobRequest withCode = request.withCode(deployment.code());
    if (request.combine() != null) {
      return withCode;
    }
    return deployment.tasks().stream()
        .filter(task -> task.name().equals(request.task().trim()) && task.combiner() != null)
        .findFirst()
        .map(task -> withCode.withCombine(task.combiner()))
        .orElse(withCode);
  }

  /** {@code GET /tasks}: the tasks the nodes offer, then the deployed ones. */
  Route tasks() {
    return completeWithFuture(
        asks.ask((ActorRef<List<TaskInfo>> r) -> new ClientRequests.GetTasks(r))
            .thenCombine(
                CompletableFuture.supplyAsync(() -> code.deployments().all(), blocking),
                (installed, deployed) -> {
                  List<TaskInfo> all = new ArrayList<>(installed);
                  deployed.forEach(deployment -> all.addAll(deployment.tasks()));
                  return responses.ok(StatusCodes.OK, all);
                }));
  }
}
