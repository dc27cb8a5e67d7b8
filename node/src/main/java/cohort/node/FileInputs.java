package cohort.node;

import cohort.task.FileRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads the bytes of file inputs for tasks: blobs from the coordinator's HTTP API, on connections
 * of their own so large files never hold up cluster messages; paths from the shared file system.
 * Thread-safe; one per node.
 */
final class FileInputs {

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private volatile String coordinatorUrl;

  /** Where the coordinator serves blobs; known once it has registered this node. */
  void coordinatorUrl(String url) {
    this.coordinatorUrl = url;
  }

  byte[] read(FileRef file) throws IOException {
    if (file == null) {
      throw new IOException("the input names no file");
    }
    if (file.blob() != null) {
      return fetch(file);
    }
    if (file.path() != null) {
      return readPath(file);
    }
    if (file.size() != null && file.size() > FileRef.MAX_BLOB_BYTES) {
      throw new IOException(
          file.name()
              + " is "
              + mebibytes(file.size())
              + " MiB; files up to "
              + mebibytes(FileRef.MAX_BLOB_BYTES)
              + " MiB travel through the cluster;"
              + " use --shared-fs for larger ones");
    }
    throw new IOException(file.name() + ": the input has neither a blob nor a path to read");
  }

  private byte[] readPath(FileRef file) throws IOException {
    Path path = Path.of(file.path());
    try {
      long size = Files.size(path);
      if (size > Integer.MAX_VALUE - 16) {
        throw new IOException(
            file.name() + " is " + mebibytes(size) + " MiB, too large to read at once");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IOException(
          file.name()
              + ": no such file "
              + path
              + " on this node (with --shared-fs every node must see the files)");
    }
  }

  private byte[] fetch(FileRef file) throws IOException {
    String base = coordinatorUrl;
    if (base == null) {
      throw new IOException(
          file.name() + ": the coordinator has not said where it serves files yet");
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/blobs/" + file.blob()))
            .timeout(Duration.ofMinutes(5))
            .GET()
            .build();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException(
              file.name()
                  + ": the coordinator answered "
                  + response.statusCode()
                  + " for its bytes: "
                  + new String(body.readNBytes(500), java.nio.charset.StandardCharsets.UTF_8));
        }
        return body.readNBytes((int) FileRef.MAX_BLOB_BYTES + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(
          file.name() + ": interrupted while fetching its bytes");
    }
  }

  private static long mebibytes(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
