package cohort.coordinator.broadcast;

import cohort.api.broadcast.Broadcasts;
import cohort.api.code.CodeRef;
import cohort.api.code.Sha256;
import cohort.coordinator.journal.FileReplica;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * The broadcasts clients upload ({@code PUT /broadcasts/{sha256}}), kept at {@code
 * broadcasts/SHA256.bin} in the data folder, each once whatever how many jobs name it, and copied
 * for a standby coordinator like the jars: a job that a restarted coordinator recovers still finds
 * its broadcasts. A file goes in only when its bytes match its name. File operations block: call
 * them off the actor threads.
 */
public final class BroadcastStore {

  /** The setting that bounds one broadcast's size. */
  public static final String MAX_BYTES_KEY = "cohort.coordinator.max-broadcast-bytes";

  private final Path folder;
  private final FileReplica replica;
  private final long maxBytes;

  /**
   * @param folder where broadcasts are kept
   * @param replica where they are copied for a standby coordinator
   * @param maxBytes bytes one broadcast may have at most
   */
  public BroadcastStore(Path folder, FileReplica replica, long maxBytes) {
    if (maxBytes < 1 || maxBytes > Broadcasts.MAX_BYTES) {
      throw new IllegalArgumentException(
          MAX_BYTES_KEY + " = " + maxBytes + " must be from 1 to " + Broadcasts.MAX_BYTES);
    }
    this.folder = folder;
    this.replica = replica;
    this.maxBytes = maxBytes;
    removeBrokenUploads();
  }

  /**
   * The store in {@code dataDir/broadcasts}, bounded by {@value #MAX_BYTES_KEY}.
   *
   * @throws IllegalArgumentException naming a bad setting
   */
  public static BroadcastStore fromConfig(Config config, Path dataDir, FileReplica replica) {
    long max;
    try {
      max = config.getBytes(MAX_BYTES_KEY);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          MAX_BYTES_KEY + " must be a size such as 512MiB: " + e.getMessage());
    }
    return new BroadcastStore(dataDir.resolve("broadcasts"), replica, max);
  }

  /** Bytes one broadcast may have at most. */
  public long maxBytes() {
    return maxBytes;
  }

  private void removeBrokenUploads() {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(folder, "upload-*.part")) {
      for (Path part : parts) {
        Files.deleteIfExists(part);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot clear broken uploads in " + folder + ": " + e.getMessage(), e);
    }
  }

  /** Where the broadcast is kept, if it is. */
  public Optional<Path> file(String digest) {
    Path file = folder.resolve(CodeRef.checkDigest(digest) + ".bin");
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /**
   * The first of a job's broadcasts not kept here, as its name, or empty when all are.
   *
   * @param broadcasts digests by name, checked
   */
  public Optional<String> missing(Map<String, String> broadcasts) {
    return broadcasts.entrySet().stream()
        .filter(entry -> file(entry.getValue()).isEmpty())
        .map(Map.Entry::getKey)
        .sorted()
        .findFirst();
  }

  /** A fresh file in the folder to receive an upload into, before {@link #keep}. */
  public Path receiving() {
    try {
      Files.createDirectories(folder);
      return Files.createTempFile(folder, "upload-", ".part");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store broadcasts in " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * Keeps an uploaded file as the broadcast {@code digest} once its bytes match; deletes it either
   * way.
   *
   * @throws IllegalArgumentException when the bytes have another digest, naming both
   * @throws UncheckedIOException when it cannot be kept
   */
  public void keep(String digest, Path received) {
    try {
      String actual = Sha256.of(received);
      if (!actual.equals(digest)) {
        throw new IllegalArgumentException(
            "the bytes sent have the SHA-256 "
                + actual
                + ", not "
                + digest
                + "; send the file to PUT /broadcasts/ followed by its own digest");
      }
      Path file = folder.resolve(digest + ".bin");
      try {
        Files.move(received, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(received, file, StandardCopyOption.REPLACE_EXISTING);
      }
      replica.copy(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep broadcast " + digest + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(received);
      } catch (IOException e) {
        // Removed at the next start, with every upload-*.part file.
      }
    }
  }
}
