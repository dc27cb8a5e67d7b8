package cohort.coordinator.code;

import cohort.api.code.CodeRef;
import cohort.coordinator.journal.FileReplica;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The jars clients upload, kept at {@code code/SHA256.jar} in the data folder, each once whatever
 * how many jobs use it, and copied for a standby coordinator like the other files that must outlive
 * the coordinator. A jar goes in only when its bytes match its name. File operations block: call
 * them off the actor threads.
 */
public final class CodeStore {

  private final Path folder;
  private final FileReplica replica;
  private final Deployments deployments;

  /**
   * @param folder where the jars are kept
   * @param replica where they are copied for a standby coordinator
   */
  public CodeStore(Path folder, FileReplica replica) {
    this.folder = folder;
    this.replica = replica;
    this.deployments = new Deployments(folder.resolve("deployments.json"), replica);
    removeBrokenUploads();
  }

  /** Uploads a crash cut off are never kept: their files go at the next start. */
  private void removeBrokenUploads() {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (java.nio.file.DirectoryStream<Path> parts =
        Files.newDirectoryStream(folder, "upload-*.part")) {
      for (Path part : parts) {
        Files.deleteIfExists(part);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot clear broken uploads in " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The deployments: jars whose tasks jobs name without sending code. */
  public Deployments deployments() {
    return deployments;
  }

  /** Where the jar is kept, if it is. */
  public Optional<Path> jar(String digest) {
    Path file = folder.resolve(CodeRef.checkDigest(digest) + ".jar");
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /** The jars of {@code code} not kept here, in its order. */
  public List<String> missing(CodeRef code) {
    return code.jars().stream().filter(jar -> jar(jar).isEmpty()).toList();
  }

  /** A fresh file in the folder to receive an upload into, before {@link #keep}. */
  public Path receiving() {
    try {
      Files.createDirectories(folder);
      return Files.createTempFile(folder, "upload-", ".part");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store code in " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * Keeps an uploaded file as the jar {@code digest} once its bytes match; deletes it either way.
   *
   * @throws IllegalArgumentException when the bytes have another digest, naming both
   * @throws UncheckedIOException when it cannot be kept
   */
  public void keep(String digest, Path received) {
    try {
      String actual = cohort.api.code.Sha256.of(received);
      if (!actual.equals(digest)) {
        throw new IllegalArgumentException(
            "the bytes sent have the SHA-256 "
                + actual
                + ", not "
                + digest
                + "; send the jar to PUT /code/ followed by its own digest");
      }
      Path file = folder.resolve(digest + ".jar");
      moveIntoPlace(received, file);
      replica.copy(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep jar " + digest + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(received);
      } catch (IOException e) {
        // Removed at the next start, with every upload-*.part file.
      }
    }
  }

  /** Moves a file written aside onto {@code target} at once where the file system can. */
  static void moveIntoPlace(Path written, Path target) throws IOException {
    try {
      Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
