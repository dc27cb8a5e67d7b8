package cohort.client;

import cohort.api.code.CodeRef;
import cohort.api.code.DeployRequest;
import cohort.api.code.Deployment;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The coordinator's code routes: jars by digest ({@code HEAD} and {@code PUT /code/{sha256}}) and
 * deployments ({@code /deployments}). What {@code cohort submit --jar}, {@code cohort deploy} and
 * the Java API's {@code Cohort} use to make a task's code travel. Get one from {@link
 * CohortClient#code()}.
 */
public final class CodeApi {

  /** A deployment waits for a node to fetch, load and describe the jars. */
  private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(3);

  /** An upload of a large jar over a slow link takes its time. */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);

  private final Coordinators coordinators;
  private final Failover failover;
  private final CoordinatorErrors errors;
  private final ObjectMapper json;

  CodeApi(
      Coordinators coordinators, Failover failover, CoordinatorErrors errors, ObjectMapper json) {
    this.coordinators = coordinators;
    this.failover = failover;
    this.errors = errors;
    this.json = json;
  }

  /** Whether the coordinator keeps the jar with this digest. */
  public boolean has(String digest) {
    HttpRequest head =
        HttpRequest.newBuilder(coordinators.uri("/code/" + CodeRef.checkDigest(digest)))
            .timeout(Duration.ofSeconds(30))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<byte[]> response = failover.send(head, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return false;
    }
    check(response);
    return true;
  }

  /**
   * Sends a jar's bytes, kept by the coordinator under its digest.
   *
   * @param digest the SHA-256 of the file ({@link CodePackage#sha256})
   * @throws CohortException when the coordinator refuses it, saying why
   */
  public void upload(String digest, Path jar) {
    HttpRequest put;
    try {
      put =
          HttpRequest.newBuilder(coordinators.uri("/code/" + CodeRef.checkDigest(digest)))
              .timeout(UPLOAD_TIMEOUT)
              .header("Content-Type", "application/java-archive")
              .PUT(HttpRequest.BodyPublishers.ofFile(jar))
              .build();
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(jar + ": no such file");
    }
    check(failover.send(put, HttpResponse.BodyHandlers.ofByteArray()));
  }

  /**
   * Uploads the jars the coordinator lacks, each once.
   *
   * @return the code that names them, for a job or a deployment
   */
  public CodeRef ship(List<CodePackage> jars, String taskClass) {
    for (CodePackage jar : jars) {
      if (!has(jar.digest())) {
        upload(jar.digest(), jar.file());
      }
    }
    return new CodeRef(jars.stream().map(CodePackage::digest).toList(), taskClass);
  }

  /**
   * Deploys jars already uploaded: a node loads them and says which tasks they offer, and jobs may
   * then name those tasks without sending code.
   *
   * @throws CohortException when the jars do not load or a task clashes with an installed one
   */
  public Deployment deploy(DeployRequest request) {
    byte[] body;
    try {
      body = json.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the deployment: " + e.getMessage(), e);
    }
    HttpRequest post =
        HttpRequest.newBuilder(coordinators.uri("/deployments"))
            .timeout(DEPLOY_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> response =
        check(failover.send(post, HttpResponse.BodyHandlers.ofByteArray()));
    try {
      return json.readValue(response.body(), Deployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the coordinator sent malformed JSON: " + e.getMessage(), e);
    }
  }

  /** Every deployment the coordinator keeps, oldest first. */
  public List<Deployment> deployments() {
    HttpRequest get =
        HttpRequest.newBuilder(coordinators.uri("/deployments"))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    HttpResponse<byte[]> response =
        check(failover.send(get, HttpResponse.BodyHandlers.ofByteArray()));
    try {
      return json.readValue(response.body(), new TypeReference<List<Deployment>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("the coordinator sent malformed JSON: " + e.getMessage(), e);
    }
  }

  private HttpResponse<byte[]> check(HttpResponse<byte[]> response) {
    if (response.statusCode() >= 300) {
      throw errors.failure(
          response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    return response;
  }
}
