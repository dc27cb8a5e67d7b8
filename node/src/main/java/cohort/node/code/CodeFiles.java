package cohort.node.code;

import cohort.api.code.CodeRef;
import cohort.api.code.Sha256;
import cohort.node.NodeAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * The jars a node has fetched, kept on its disk by digest so each travels once per machine: fetched
 * from the coordinator ({@code GET /code/{sha256}}, with the node token) and checked against their
 * digest on the way in, and again each time a class loader is made over them, since the folder may
 * be shared by every node of one user on the machine.
 */
public final class CodeFiles {

  private final Path folder;
  private final NodeAccess access;

  /**
   * @param folder where jars are kept; made (owner-only) when missing
   * @param access where the coordinator serves the jars, and the node token
   */
  public CodeFiles(Path folder, NodeAccess access) {
    this.folder = folder;
    this.access = access;
  }

  /**
   * The jar's file on this node, fetched when it is not here yet; blocks.
   *
   * @throws IOException saying which jar could not be had and why
   */
  Path jar(String digest) throws IOException {
    CodeRef.checkDigest(digest);
    Path file = folder.resolve(digest + ".jar");
    if (Files.isRegularFile(file)) {
      if (digest.equals(Sha256.of(file))) {
        return file;
      }
      Files.deleteIfExists(file); // changed on disk: fetched again
    }
    fetch(digest, file);
    return file;
  }

  private void fetch(String digest, Path file) throws IOException {
    String url = access.url();
    if (url == null) {
      throw new IOException(
          "jar "
              + CodeRef.shortDigest(digest)
              + ": the coordinator has not said where it serves code yet; try again");
    }
    createFolder();
    HttpRequest request =
        access.request("/code/" + digest).timeout(Duration.ofMinutes(5)).GET().build();
    Path part = Files.createTempFile(folder, digest, ".part");
    try {
      HttpResponse<InputStream> response =
          access.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
      String got;
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException(
              "jar "
                  + CodeRef.shortDigest(digest)
                  + ": the coordinator answered "
                  + response.statusCode()
                  + ": "
                  + new String(body.readNBytes(500), StandardCharsets.UTF_8));
        }
        got = copy(body, part);
      }
      if (!digest.equals(got)) {
        throw new IOException(
            "jar "
                + CodeRef.shortDigest(digest)
                + " arrived with the digest "
                + got
                + "; it was changed on the way, so it is not loaded");
      }
      try {
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching jar " + digest);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private void createFolder() throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    Files.createDirectories(folder);
    try {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the jars are checked against their digests anyway.
    }
  }

  /** Copies at most {@link CodeRef#MAX_JAR_BYTES}; returns the SHA-256 of what was copied. */
  private static String copy(InputStream body, Path to) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    try (InputStream in = new DigestInputStream(body, digest);
        OutputStream out = Files.newOutputStream(to)) {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
        if (total > CodeRef.MAX_JAR_BYTES) {
          throw new IOException("a jar has more than " + (CodeRef.MAX_JAR_BYTES >> 20) + " MiB");
        }
        out.write(buffer, 0, n);
      }
    }
    return Sha256.hex(digest);
  }
}
