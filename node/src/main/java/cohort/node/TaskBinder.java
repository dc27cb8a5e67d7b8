package cohort.node;

import cohort.api.TaskInfo;
import cohort.api.code.CodeRef;
import cohort.node.code.LoadedCode;
import cohort.node.code.ShippedCode;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CodeDescribed;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binds tasks to their parameters away from the worker's actor, and within a time limit; checks
 * tasks, and a job's first inputs, for the coordinator the same way.
 *
 * <p>Binding runs the task's {@link cohort.task.Task#validate}, which is a plugin's code: it may be
 * slow, or hang. On the actor's thread it would stop the node from answering anything else, so it
 * runs here, on a few threads of its own, and the answer comes back as a future the worker pipes to
 * itself. A bind that has not finished within {@link #VALIDATE_TIMEOUT} (counted from the request,
 * so time spent waiting for a thread counts too) fails with an error that says the task's validate
 * took too long, and its thread is interrupted.
 */
final class TaskBinder implements AutoCloseable {

  /** How long a bind may take: validate should check parameters, which takes milliseconds. */
  static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(5);

  /** Threads that validate at once; one slow validate leaves another for the rest. */
  private static final int THREADS = 2;

  /** How long fetching and loading a job's shipped jars may take, before the bind's own time. */
  static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

  /** Ends binds that take too long; drops a timer as soon as it is cancelled. */
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "cohort-validate-timer");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  private final TaskRegistry registry;
  private final Optional<ShippedCode> shipped;
  private final Duration timeout;
  private final ThreadPoolExecutor executor;
  private final ExecutorService loads;

  TaskBinder(TaskRegistry registry, Optional<ShippedCode> shipped) {
    this(registry, shipped, VALIDATE_TIMEOUT);
  }

  /**
   * @param shipped the shipped code this node loads, or empty when it takes none
   * @param timeout how long a bind may take before it fails
   */
  TaskBinder(TaskRegistry registry, Optional<ShippedCode> shipped, Duration timeout) {
    this.registry = registry;
    this.shipped = shipped;
    this.timeout = timeout;
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads =
        runnable -> {
          Thread thread = new Thread(runnable, "cohort-validate-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    this.executor =
        new ThreadPoolExecutor(
            THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    executor.allowCoreThreadTimeOut(true);
    this.loads =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "cohort-code-load-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Binds the task and its parameters on the binder's threads.
   *
   * @return completed with the bound task, or exceptionally as {@link TaskRegistry#bind} fails, or
   *     with an {@link IllegalArgumentException} when it took longer than the time limit; {@link
   *     #reason} turns the failure into the error to report
   */
  CompletableFuture<BoundTask> bind(TaskSpec spec) {
    if (spec.code() == null) {
      return bindLoaded(spec, null);
    }
    if (shipped.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(REFUSES_CODE));
    }
    return load(spec.code()).thenCompose(code -> bindLoaded(spec, code));
  }

  /** What a node started with {@code --no-shipped-code} says to a job that brings code. */
  static final String REFUSES_CODE =
      "this node runs installed tasks only (it was started with --no-shipped-code)";

  /** Fetches and loads the jars on a thread of their own, within {@link #LOAD_TIMEOUT}. */
  CompletableFuture<LoadedCode> load(CodeRef code) {
    CompletableFuture<LoadedCode> loaded = new CompletableFuture<>();
    try {
      loads.execute(
          () -> {
            try {
              loaded.complete(shipped.orElseThrow().load(code));
            } catch (IOException e) {
              loaded.completeExceptionally(
                  new IllegalArgumentException(
                      "the job's code could not be loaded: " + e.getMessage(), e));
            } catch (Throwable e) {
              loaded.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      loaded.completeExceptionally(new IllegalStateException("the node is stopping"));
    }
    return loaded.orTimeout(LOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Describes the tasks shipped jars offer, as {@link WorkerProtocol.DescribeCode} asks.
   *
   * @return completed with the description, never exceptionally
   */
  CompletableFuture<CodeDescribed> describe(CodeRef code) {
    if (shipped.isEmpty()) {
      return CompletableFuture.completedFuture(new CodeDescribed(List.of(), REFUSES_CODE));
    }
    return load(code)
        .thenApplyAsync(
            loaded -> {
              List<TaskInfo> tasks = new ArrayList<>();
              loaded
                  .services()
                  .values()
                  .forEach(task -> tasks.add(registry.describe(task, "shipped")));
              return new CodeDescribed(tasks, tasks.isEmpty() ? NO_SERVICES : null);
            },
            executor)
        .exceptionally(failure -> new CodeDescribed(List.of(), reason(failure)));
  }

  private static final String NO_SERVICES =
      "the jars list no task: name each task class in META-INF/services/cohort.task.Task";

  private CompletableFuture<BoundTask> bindLoaded(TaskSpec spec, LoadedCode code) {
    CompletableFuture<BoundTask> bound = new CompletableFuture<>();
    Future<?> work;
    try {
      work = executor.submit(() -> bindInto(spec, code, bound));
    } catch (RejectedExecutionException e) {
      bound.completeExceptionally(new IllegalStateException("the node is stopping"));
      return bound;
    }
    // Runs on a timer thread, not on a binder thread: those may all be stuck. Cancelled (and let
    // go) once the bind ends, so the timer never holds a bound task, and with it shipped classes
    // the node has closed, for the rest of the time limit.
    ScheduledFuture<?> limit =
        TIMER.schedule(
            () -> {
              if (bound.completeExceptionally(new IllegalArgumentException(tooSlow(spec)))) {
                work.cancel(true);
              }
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    bound.whenComplete((task, failure) -> limit.cancel(false));
    return bound;
  }

  /**
   * Checks a task for the coordinator: binds it and its parameters, then converts the job's first
   * inputs to its input type, on the binder's threads and within the same time limit.
   *
   * @return completed with the verdict, never exceptionally: a failed bind is the verdict's error,
   *     inputs of which none converts its input error ({@link BoundTask#misfit})
   */
  CompletableFuture<TaskChecked> check(TaskSpec spec, List<JsonNode> samples) {
    // The conversion runs on the thread that completes the bind: a binder thread.
    return bind(spec)
        .thenApply(task -> new TaskChecked(null, task.misfit(samples)))
        .exceptionally(failure -> new TaskChecked(reason(failure)));
  }

  private void bindInto(TaskSpec spec, LoadedCode code, CompletableFuture<BoundTask> bound) {
    try {
      bound.complete(
          code == null
              ? registry.bind(spec)
              : registry.bind(
                  code.task(spec.code(), spec.name()), spec.params(), code.mapper(), code));
    } catch (Throwable failure) {
      // A plugin that cannot load a class fails its jobs, not the node.
      bound.completeExceptionally(failure);
    }
  }

  private String tooSlow(TaskSpec spec) {
    return "task '"
        + spec.name()
        + "' took longer than "
        + timeout.toMillis()
        + " ms to validate its parameters; Task.validate must be quick: check the parameters"
        + " there and leave slow work to run";
  }

  /** What a failed bind reports: what is wrong with the task or its parameters. */
  static String reason(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof IllegalArgumentException) {
      return cause.getMessage();
    }
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return "the job's code took longer than "
          + LOAD_TIMEOUT.toMinutes()
          + " min to fetch and load; try again, or deploy it (cohort deploy)";
    }
    return "the task could not be bound: " + cause;
  }

  /** Closes shipped code no batch ran for a while; tasks bound from it must be forgotten. */
  void closeIdleCode() {
    shipped.ifPresent(ShippedCode::closeIdle);
  }

  /** Stops the threads, interrupting any validate still running. */
  @Override
  public void close() {
    executor.shutdownNow();
    loads.shutdownNow();
    shipped.ifPresent(ShippedCode::closeAll);
  }
}
