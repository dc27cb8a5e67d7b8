package cohort.node;

import cohort.node.counters.AttemptCounters;
import cohort.node.counters.CounterNames;
import cohort.node.setup.JobScope;
import cohort.task.Counter;
import cohort.task.FileRef;
import cohort.task.TaskContext;
import java.util.Map;

/**
 * The context of one attempt of one input, as a task sees it: where it runs, whether to stop, its
 * file inputs, the job's broadcasts and per-node setup, and the job's counters, whose additions
 * {@link #sealCounters()} hands over once the task returned.
 */
final class AttemptContext implements TaskContext {
  private final String jobId;
  private final long index;
  private final int attempt;
  private final String node;
  private final BatchControl control;
  private final FileInputs files;
  private final CounterNames.Job counterNames;
  private final JobScope scope;

  /** Made on the task's first use of a counter: most tasks use none. */
  private AttemptCounters counters;

  private boolean sealed;

  AttemptContext(
      String jobId,
      long index,
      int attempt,
      String node,
      BatchControl control,
      FileInputs files,
      CounterNames.Job counterNames,
      JobScope scope) {
    this.jobId = jobId;
    this.index = index;
    this.attempt = attempt;
    this.node = node;
    this.control = control;
    this.files = files;
    this.counterNames = counterNames;
    this.scope = scope;
  }

  @Override
  public String jobId() {
    return jobId;
  }

  @Override
  public long index() {
    return index;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public java.nio.ByteBuffer broadcast(String name) {
    return scope.broadcast(name);
  }

  @Override
  public java.nio.file.Path broadcastFile(String name) {
    return scope.broadcastFile(name);
  }

  @Override
  public <S> S shared(Class<S> type) {
    return scope.shared(type);
  }

  @Override
  public boolean isCancelled() {
    return control.cancelled();
  }

  @Override
  public byte[] read(FileRef file) throws java.io.IOException {
    return files.read(file);
  }

  @Override
  public java.nio.ByteBuffer read(FileRef file, java.nio.ByteBuffer buffer)
      throws java.io.IOException {
    return files.read(file, buffer);
  }

  @Override
  public Counter counter(String name) {
    AttemptCounters made;
    synchronized (this) {
      if (counters == null && sealed) {
        throw new IllegalStateException(
            "counter '"
                + name
                + "' was used after its task returned; add to counters before the"
                + " task returns");
      }
      if (counters == null) {
        counters = new AttemptCounters(counterNames);
      }
      made = counters;
    }
    return made.counter(name);
  }

  /** Ends the attempt's counting: what it added, or null when it used no counter. */
  synchronized Map<String, Long> sealCounters() {
    sealed = true;
    return counters == null ? null : counters.seal();
  }
}
