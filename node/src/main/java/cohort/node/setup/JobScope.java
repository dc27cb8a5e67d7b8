package cohort.node.setup;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What one job has on this node while its inputs run here: its broadcasts, mapped once and shared
 * read-only, and what its task's setup made. Made and released by {@link JobScopes}.
 */
public final class JobScope {

  /** The scope of a job that needs nothing on the node: no broadcasts, no setup. */
  public static final JobScope NONE = new JobScope(null, null);

  /** A broadcast on this node: its file and one read-only mapping of it. */
  record Mapped(String digest, Path file, MappedByteBuffer bytes) {}

  private final String job;
  private final Preparation preparation;
  private final Map<String, Mapped> broadcasts = new TreeMap<>();
  private final List<String> acquired = new ArrayList<>();
  private volatile Object state;

  /** Completes once the broadcasts are here and the setup ran; set once, under the scopes' lock. */
  CompletableFuture<Void> prepared;

  int users;
  boolean ended;

  JobScope(String job, Preparation preparation) {
    this.job = job;
    this.preparation = preparation;
  }

  String job() {
    return job;
  }

  Preparation preparation() {
    return preparation;
  }

  /** Records a broadcast fetched for this job: released with the scope. */
  synchronized void acquired(String digest) {
    acquired.add(digest);
  }

  synchronized List<String> acquiredDigests() {
    return List.copyOf(acquired);
  }

  /** Only written by the preparing thread before {@link #prepared} completes. */
  void put(String name, Mapped mapped) {
    broadcasts.put(name, mapped);
  }

  void state(Object value) {
    state = value;
  }

  Object state() {
    return state;
  }

  /** The names of the job's broadcasts. */
  public java.util.Set<String> names() {
    return preparation == null ? java.util.Set.of() : preparation.broadcasts().keySet();
  }

  /**
   * A read-only view of the broadcast's bytes from position 0, sharing the node's one mapping.
   *
   * @throws IllegalArgumentException naming the job's broadcasts when it has none of that name
   */
  public ByteBuffer broadcast(String name) {
    return mapped(name).bytes().asReadOnlyBuffer().rewind();
  }

  /**
   * The broadcast's file on this node.
   *
   * @throws IllegalArgumentException as {@link #broadcast}
   */
  public Path broadcastFile(String name) {
    return mapped(name).file();
  }

  private Mapped mapped(String name) {
    Mapped mapped = broadcasts.get(name);
    if (mapped == null) {
      throw new IllegalArgumentException(
          names().isEmpty()
              ? "this job has no broadcasts, so none named '"
                  + name
                  + "'; give one with --broadcast "
                  + name
                  + "=FILE"
              : "this job has no broadcast '" + name + "'; its broadcasts are " + names());
    }
    return mapped;
  }

  /**
   * What the task's setup made for this job on this node.
   *
   * @throws IllegalStateException when the task has no setup, or made something else
   */
  public <S> S shared(Class<S> type) {
    if (preparation == null || !preparation.hasSetup()) {
      throw new IllegalStateException(
          "task "
              + (preparation == null ? "" : "'" + preparation.task() + "' ")
              + "has no per-node setup, so nothing is shared; implement cohort.task.NodeSetup");
    }
    Object value = state;
    if (value != null && !type.isInstance(value)) {
      throw new IllegalStateException(
          "the setup of task '"
              + preparation.task()
              + "' made a "
              + value.getClass().getSimpleName()
              + ", not a "
              + type.getSimpleName());
    }
    return type.cast(value);
  }
}
