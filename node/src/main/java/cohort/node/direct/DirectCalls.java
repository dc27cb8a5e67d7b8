package cohort.node.direct;

import cohort.api.TaskError;
import cohort.api.direct.DirectCall;
import cohort.api.direct.DirectReply;
import cohort.node.BoundTask;
import cohort.node.TaskErrors;
import cohort.node.TaskRegistry;
import cohort.protocol.TaskSpec;
import cohort.task.FileRef;
import cohort.task.TaskContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs direct calls: binds each call's task and parameters (once per distinct pair, as a job's
 * batches do), converts the input and runs the task on the calling thread, and turns what happened
 * into the reply. Errors are the same as a job's: a bad task or parameters, an input the task
 * cannot read, or what the task threw.
 */
public final class DirectCalls {

  /** Distinct task-and-parameters pairs kept bound; beyond that the cache starts over. */
  static final int MAX_BOUND = 256;

  /** The job id direct calls show their task ({@link TaskContext#jobId}). */
  public static final String JOB_ID = "direct";

  private final TaskRegistry registry;
  private final String node;
  private final Map<TaskSpec, Binding> bound = new ConcurrentHashMap<>();

  /** A task bound with its parameters, or why it could not be. */
  private record Binding(BoundTask task, String error) {}

  /**
   * @param registry the tasks this node offers (exec only where the node allows it)
   * @param node this node's address, for the errors
   */
  public DirectCalls(TaskRegistry registry, String node) {
    this.registry = registry;
    this.node = node;
  }

  /** Runs one call on this thread and returns its reply; never throws for what the task does. */
  public DirectReply run(DirectCall call) {
    Binding binding = bind(new TaskSpec(call.task(), call.params()));
    if (binding.error() != null) {
      return failed(call, new TaskError(TaskError.INPUT_ERROR, binding.error(), node, 1, null));
    }
    Object input;
    try {
      input = binding.task().convertInput(call.input());
    } catch (IllegalArgumentException e) {
      return failed(call, new TaskError(TaskError.INPUT_ERROR, e.getMessage(), node, 1, null));
    }
    try {
      return new DirectReply(
          call.id(), binding.task().run(input, new Context(call.id(), node)), null);
    } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
      // What a job's slot catches, a direct call catches: the node goes on.
      return failed(call, TaskErrors.of(e, node, 1));
    }
  }

  private Binding bind(TaskSpec spec) {
    Binding known = bound.get(spec);
    if (known != null) {
      return known;
    }
    Binding binding;
    try {
      binding = new Binding(registry.bind(spec), null);
    } catch (IllegalArgumentException e) {
      binding = new Binding(null, e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      binding = new Binding(null, "the task could not be bound: " + e);
    }
    if (bound.size() >= MAX_BOUND) {
      bound.clear();
    }
    bound.put(spec, binding);
    return binding;
  }

  private static DirectReply failed(DirectCall call, TaskError error) {
    return new DirectReply(call.id(), null, error);
  }

  /** What a task sees of a direct call: no job of its own, no files, never cancelled. */
  private record Context(long index, String node) implements TaskContext {
    @Override
    public String jobId() {
      return JOB_ID;
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public boolean isCancelled() {
      return Thread.currentThread().isInterrupted();
    }

    @Override
    public byte[] read(FileRef file) {
      throw new UnsupportedOperationException(
          "a direct call carries no files: submit a job with file inputs (--files, --dir) instead");
    }
  }
}
