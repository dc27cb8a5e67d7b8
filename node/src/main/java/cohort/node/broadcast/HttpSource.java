package cohort.node.broadcast;

import cohort.api.broadcast.Broadcasts;
import cohort.api.code.CodeRef;
import cohort.api.code.Sha256;
import cohort.node.NodeAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Fetches broadcasts from the coordinator's HTTP API ({@code GET /broadcasts/{sha256}} with the
 * node token), on a connection of its own: large broadcasts never travel in cluster messages, so
 * they hold up no control message.
 */
public final class HttpSource implements BroadcastCache.Source {

  private final NodeAccess access;

  public HttpSource(NodeAccess access) {
    this.access = access;
  }

  @Override
  public String fetch(String digest, Path into) throws IOException, InterruptedException {
    if (access.url() == null) {
      throw new IOException(
          "the coordinator has not said where it serves broadcasts yet; the job's inputs run"
              + " again");
    }
    HttpRequest request =
        access.request("/broadcasts/" + digest).timeout(Duration.ofMinutes(10)).GET().build();
    HttpResponse<InputStream> response =
        access.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException(
            "the coordinator answered "
                + response.statusCode()
                + " for broadcast "
                + CodeRef.shortDigest(digest)
                + ": "
                + new String(body.readNBytes(500), StandardCharsets.UTF_8));
      }
      MessageDigest sha = Sha256.newDigest();
      try (InputStream in = new DigestInputStream(body, sha);
          OutputStream out = Files.newOutputStream(into)) {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          total += n;
          if (total > Broadcasts.MAX_BYTES) {
            throw new IOException("broadcast " + CodeRef.shortDigest(digest) + " is too large");
          }
          out.write(buffer, 0, n);
        }
      }
      return Sha256.hex(sha);
    }
  }
}
