package cohort.node.setup;

import cohort.node.broadcast.BroadcastCache;
import cohort.task.SetupContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs a node keeps state for: each job's {@link JobScope}, made before its first input here
 * and released when the job ends here.
 *
 * <p>The first batch of a job to {@link #enter} starts its preparation on the executor (never on
 * the caller's or an actor's thread): its broadcasts are had from the {@link BroadcastCache} and
 * mapped, then its task's setup runs. Batches of the job that enter meanwhile wait for that one
 * preparation; a preparation that failed fails every batch of the job on this node the same way.
 * Once the coordinator says the job ended ({@link #ended}) and its last batch here has left, the
 * teardown runs on the executor and the broadcasts are released. Thread-safe; {@link #enter}
 * blocks, the rest never does.
 */
public final class JobScopes {

  private static final Logger LOG = LoggerFactory.getLogger(JobScopes.class);

  /** Opens the node's broadcast cache, the first time a job needs it; may block. */
  public interface CacheOpener {
    BroadcastCache open() throws IOException;
  }

  private final String node;
  private final CacheOpener opener;
  private final Executor executor;
  private final Map<String, JobScope> scopes = new HashMap<>();
  private BroadcastCache cache;

  /**
   * @param node this node's address, for setups and messages
   * @param opener opens where broadcasts come from; null on a node that has none (then a job with
   *     broadcasts fails here with a message that says so)
   * @param executor runs preparations and teardowns
   */
  public JobScopes(String node, CacheOpener opener, Executor executor) {
    this.node = node;
    this.opener = opener;
    this.executor = executor;
  }

  /** The node's broadcast cache, opened on first use; blocks then. */
  private synchronized BroadcastCache cache() throws IOException {
    if (cache == null) {
      if (opener == null) {
        throw new IOException("this node keeps no broadcasts");
      }
      cache = opener.open();
    }
    return cache;
  }

  /** Broadcasts this node fetched since it started. */
  public synchronized long fetches() {
    return cache == null ? 0 : cache.fetches();
  }

  /**
   * The job's scope for a batch about to run, prepared first when this is the job's first batch
   * here; blocks until it is. Each successful call must be matched by {@link #leave}.
   *
   * @throws SetupFailed saying what could not be prepared, for every input of the batch
   * @throws InterruptedException when interrupted while waiting (a cancel); nothing is then held
   */
  public JobScope enter(String job, Preparation preparation)
      throws SetupFailed, InterruptedException {
    if (!preparation.needed()) {
      return JobScope.NONE;
    }
    JobScope scope;
    boolean first = false;
    synchronized (this) {
      scope = scopes.computeIfAbsent(job, id -> new JobScope(id, preparation));
      scope.users++;
      if (scope.prepared == null) {
        scope.prepared = new CompletableFuture<>();
        first = true;
      }
    }
    if (first) {
      preparation.hold();
      JobScope preparing = scope;
      try {
        executor.execute(() -> prepare(preparing));
      } catch (RuntimeException refused) { // the executor is shut down: the node stops
        preparing.prepared.completeExceptionally(refused);
      }
    }
    try {
      scope.prepared.get();
      return scope;
    } catch (InterruptedException e) {
      leave(scope);
      throw e;
    } catch (ExecutionException e) {
      leave(scope);
      Throwable cause = e.getCause();
      throw cause instanceof SetupFailed failed
          ? failed
          : new SetupFailed(
              "task " + preparation.task() + " could not be prepared on node " + node, cause);
    }
  }

  /** Fetches and maps the job's broadcasts, then runs its setup; completes the scope's future. */
  private void prepare(JobScope scope) {
    Preparation preparation = scope.preparation();
    String failing = null;
    try {
      for (Map.Entry<String, String> broadcast : preparation.broadcasts().entrySet()) {
        failing = broadcast.getKey();
        scope.put(broadcast.getKey(), have(scope, broadcast.getValue()));
      }
      failing = null;
      if (preparation.hasSetup()) {
        scope.state(preparation.setup(new Context(scope, node)));
      }
      scope.prepared.complete(null);
    } catch (Throwable failure) {
      if (failure instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
        scope.prepared.completeExceptionally(failure);
        throw fatal;
      }
      SetupFailed failed =
          new SetupFailed(
              failing != null
                  ? "broadcast '"
                      + failing
                      + "' of task "
                      + preparation.task()
                      + " could not be had on node "
                      + node
                      + ": "
                      + words(failure)
                  : "setup of task "
                      + preparation.task()
                      + " failed on node "
                      + node
                      + ": "
                      + words(failure),
              failure);
      scope.prepared.completeExceptionally(failed);
      LOG.warn("job {}: {}", scope.job(), failed.getMessage());
    }
  }

  private JobScope.Mapped have(JobScope scope, String digest)
      throws IOException, InterruptedException {
    Path file = cache().acquire(digest);
    scope.acquired(digest);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return new JobScope.Mapped(
          digest, file, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
    }
  }

  /** A batch that entered the job's scope is done with it. */
  public void leave(JobScope scope) {
    if (scope == JobScope.NONE) {
      return;
    }
    boolean release;
    synchronized (this) {
      scope.users--;
      release = scope.ended && scope.users == 0 && scopes.remove(scope.job(), scope);
    }
    if (release) {
      release(scope);
    }
  }

  /**
   * The job ended (finished, failed or cancelled): its state is released once its last batch here
   * has left. A job this node keeps nothing for is ignored.
   */
  public void ended(String job) {
    JobScope scope;
    synchronized (this) {
      scope = scopes.get(job);
      if (scope == null) {
        return;
      }
      scope.ended = true;
      if (scope.users > 0) {
        return;
      }
      scopes.remove(job);
    }
    release(scope);
  }

  /**
   * Releases every job's state, as the node stops: batches still running have been interrupted.
   *
   * @return completes once every teardown has returned
   */
  public CompletionStage<Void> closeAll() {
    List<JobScope> all;
    synchronized (this) {
      all = new ArrayList<>(scopes.values());
      scopes.clear();
    }
    return CompletableFuture.allOf(
        all.stream().map(this::release).toArray(CompletableFuture[]::new));
  }

  /** Jobs this node keeps state for now. */
  public synchronized int size() {
    return scopes.size();
  }

  /** Runs the teardown once the preparation is over, then gives the broadcasts back. */
  private CompletableFuture<Void> release(JobScope scope) {
    return scope
        .prepared
        .handle((ok, failure) -> failure == null)
        .thenAcceptAsync(prepared -> tearDown(scope, prepared), executor)
        .exceptionally(
            failure -> {
              tearDown(
                  scope, scope.prepared.isDone() && !scope.prepared.isCompletedExceptionally());
              return null;
            });
  }

  private void tearDown(JobScope scope, boolean prepared) {
    Preparation preparation = scope.preparation();
    try {
      if (prepared && preparation.hasSetup()) {
        preparation.teardown(scope.state());
      }
    } catch (Throwable failure) {
      if (failure instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
        throw fatal;
      }
      LOG.warn(
          "job {}: teardown of task {} failed: {}",
          scope.job(),
          preparation.task(),
          words(failure));
    } finally {
      BroadcastCache kept;
      synchronized (this) {
        kept = cache;
      }
      if (kept != null) {
        scope.acquiredDigests().forEach(kept::release);
      }
      preparation.release();
    }
  }

  private static String words(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }

  /** What a setup sees. */
  private record Context(JobScope scope, String node) implements SetupContext {
    @Override
    public String jobId() {
      return scope.job();
    }

    @Override
    public Set<String> broadcastNames() {
      return scope.names();
    }

    @Override
    public ByteBuffer broadcast(String name) {
      return scope.broadcast(name);
    }

    @Override
    public Path broadcastFile(String name) {
      return scope.broadcastFile(name);
    }
  }
}
