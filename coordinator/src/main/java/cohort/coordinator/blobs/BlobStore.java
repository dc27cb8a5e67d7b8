package cohort.coordinator.blobs;

import cohort.coordinator.journal.FileReplica;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Files clients send for their jobs' inputs, kept on the coordinator's disk until the inputs that
 * reference them have results. Nodes fetch them over HTTP, on connections of their own, so large
 * files never hold up the cluster's messages.
 *
 * <p>A blob's id is {@code JOB/N}; it is stored at {@code blobs/JOB/N} under the data folder. File
 * operations block: call them off the actor threads (the HTTP streams and the result writers run on
 * the blocking-I/O dispatcher).
 *
 * <p>Ids of the form {@code JOB/cN} name a file the client keeps until a node asks for it: a node
 * that does not see the client's file asks ({@link #await}), the client learns of it ({@link
 * #wanted}) and sends the bytes ({@link #arrived}).
 */
public final class BlobStore {

  private static final Pattern JOB = Pattern.compile("[a-z0-9-]{1,40}");
  private static final Pattern ID = Pattern.compile(JOB.pattern() + "/c?[0-9]{1,19}");

  private final Path root;
  private final FileReplica replica;
  private final AtomicLong sequence = new AtomicLong();
  private final BlobWaits waits = new BlobWaits();

  public BlobStore(Path root) {
    this(root, FileReplica.NONE);
  }

  /**
   * @param root the folder blobs are stored in
   * @param replica where blobs are copied for a standby coordinator, once written
   */
  public BlobStore(Path root, FileReplica replica) {
    this.root = root;
    this.replica = replica;
  }

  /**
   * A blob's bytes are all written at {@link #pathOf}: copies it for a standby coordinator, before
   * the client hears that it was received.
   *
   * @throws UncheckedIOException when it cannot be copied
   */
  public void written(String id) {
    if (!replica.active()) {
      return;
    }
    try {
      replica.copy(pathOf(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /**
   * A fresh id for a blob of the job.
   *
   * @throws IllegalArgumentException when {@code jobId} is not a job id
   */
  public String newId(String jobId) {
    String job = requireJob(jobId);
    // After a restart the count starts again while a job's blobs are still there: skip them.
    String id = job + "/" + sequence.incrementAndGet();
    while (java.nio.file.Files.exists(root.resolve(id))) {
      id = job + "/" + sequence.incrementAndGet();
    }
    return id;
  }

  /**
   * Where the blob lives.
   *
   * @throws IllegalArgumentException when {@code id} is not a blob id, so no request can reach
   *     another path
   */
  public Path pathOf(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("'" + id + "' is not a blob id (JOB/N)");
    }
    return root.resolve(id);
  }

  /** Whether {@code id} names a file the client sends only when a node asks for it. */
  public static boolean clientHeld(String id) {
    return id != null && ID.matcher(id).matches() && id.charAt(id.indexOf('/') + 1) == 'c';
  }

  /** The job a blob belongs to. */
  public static String jobOf(String id) {
    return id.substring(0, id.indexOf('/'));
  }

  /**
   * A node asks for a client-held blob: completes with true once the client sent it, false when the
   * job ended first. The caller bounds the wait.
   */
  public java.util.concurrent.CompletableFuture<Boolean> await(String id) {
    pathOf(id);
    return waits.await(jobOf(id), id);
  }

  /** The client sent the bytes of a client-held blob, now stored at {@link #pathOf}. */
  public void arrived(String id) {
    waits.arrived(jobOf(id), id);
  }

  /**
   * The client-held blobs of {@code jobId} nodes asked for that the client was not told of yet; see
   * {@link BlobWaits#wanted}. Empty when the job ended meanwhile.
   */
  public java.util.concurrent.CompletableFuture<java.util.Optional<java.util.List<String>>> wanted(
      String jobId) {
    return waits.wanted(requireJob(jobId));
  }

  /** Deletes a blob; one already gone is fine. */
  public void delete(String id) {
    try {
      Files.deleteIfExists(pathOf(id));
      replica.delete(pathOf(id));
    } catch (IOException | IllegalArgumentException e) {
      // A leftover blob goes with its job's folder.
    }
  }

  /**
   * Deletes every blob of a job.
   *
   * @throws IllegalArgumentException when {@code jobId} is not a job id
   */
  public void deleteJob(String jobId) {
    waits.ended(requireJob(jobId));
    Path dir = root.resolve(requireJob(jobId));
    try {
      replica.deleteFolder(dir);
    } catch (IOException e) {
      // Copies left behind cost space in the database until the job is forgotten.
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // Left behind in the data folder; harmless.
    }
  }

  private static String requireJob(String jobId) {
    if (jobId == null || !JOB.matcher(jobId).matches()) {
      throw new IllegalArgumentException("'" + jobId + "' is not a job id");
    }
    return jobId;
  }
}
