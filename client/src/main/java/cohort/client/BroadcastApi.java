package cohort.client;

import cohort.api.broadcast.Broadcasts;
import cohort.api.code.CodeRef;
import cohort.api.code.Sha256;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The coordinator's broadcast routes ({@code HEAD} and {@code PUT /broadcasts/{sha256}}): what
 * {@code cohort submit --broadcast} and the Java API use to send a job's broadcasts once. Get one
 * from {@link CohortClient#broadcasts()}; name the digests in {@link
 * cohort.api.JobRequest#withBroadcast}.
 */
public final class BroadcastApi {

  /** An upload of a large file over a slow link takes its time. */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(30);

  private final Coordinators coordinators;
  private final Failover failover;
  private final CoordinatorErrors errors;

  BroadcastApi(Coordinators coordinators, Failover failover, CoordinatorErrors errors) {
    this.coordinators = coordinators;
    this.failover = failover;
    this.errors = errors;
  }

  /** Whether the coordinator keeps the broadcast with this digest. */
  public boolean has(String digest) {
    HttpRequest head =
        HttpRequest.newBuilder(coordinators.uri("/broadcasts/" + CodeRef.checkDigest(digest)))
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
   * Sends a file's bytes, kept by the coordinator under its digest.
   *
   * @throws CohortException when the coordinator refuses it, saying why (too large, for one)
   */
  public void upload(String digest, Path file) {
    HttpRequest put;
    try {
      put =
          HttpRequest.newBuilder(coordinators.uri("/broadcasts/" + CodeRef.checkDigest(digest)))
              .timeout(UPLOAD_TIMEOUT)
              .header("Content-Type", "application/octet-stream")
              .PUT(HttpRequest.BodyPublishers.ofFile(file))
              .build();
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(file + ": no such file to broadcast");
    }
    check(failover.send(put, HttpResponse.BodyHandlers.ofByteArray()));
  }

  /**
   * Makes sure the coordinator has the file: hashes it, and uploads it only when the coordinator
   * lacks those bytes.
   *
   * @return the file's SHA-256, which a job names its broadcast by
   */
  public String share(Path file) {
    String digest;
    try {
      digest = digest(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file to broadcast");
    } catch (IOException e) {
      throw new UncheckedIOException(file + " cannot be read: " + e.getMessage(), e);
    }
    if (!has(digest)) {
      upload(digest, file);
    }
    return digest;
  }

  /**
   * {@link #share}s each file.
   *
   * @return the digests by name, for {@link cohort.api.JobRequest#withBroadcast}
   * @throws IllegalArgumentException naming a bad name or a missing file
   */
  public Map<String, String> shareAll(Map<String, Path> files) {
    Map<String, String> digests = new TreeMap<>();
    files.forEach((name, file) -> digests.put(Broadcasts.checkName(name), share(file)));
    return Broadcasts.check(digests);
  }

  /** A file as last hashed: hashed again only when its size or modification time changed. */
  private record Hashed(long size, java.nio.file.attribute.FileTime modified, String digest) {}

  private final Map<Path, Hashed> hashed = new java.util.concurrent.ConcurrentHashMap<>();

  /** The file's SHA-256, remembered, so a job run again and again hashes a large file once. */
  private String digest(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    long size = java.nio.file.Files.size(key);
    java.nio.file.attribute.FileTime modified = java.nio.file.Files.getLastModifiedTime(key);
    Hashed known = hashed.get(key);
    if (known != null && known.size() == size && known.modified().equals(modified)) {
      return known.digest();
    }
    String digest = Sha256.of(key);
    hashed.put(key, new Hashed(size, modified, digest));
    return digest;
  }

  private HttpResponse<byte[]> check(HttpResponse<byte[]> response) {
    if (response.statusCode() >= 300) {
      throw errors.failure(
          response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    return response;
  }
}
