package cohort.node;

import cohort.protocol.TaskSpec;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the worker knows of the jobs whose batches it receives: each job's task bound to its
 * parameters, or that a bind is under way, and which jobs were cancelled. Both are remembered for
 * the most recent jobs only, far more than a node serves at once. Not thread-safe: the worker's
 * actor owns it, and binds run on a {@link TaskBinder}.
 */
final class Jobs {

  /** Bound tasks kept; a node rarely serves more jobs at once than this. */
  private static final int BOUND_TASKS = 64;

  /** Cancelled job ids remembered, so a batch already on its way is dropped, not run. */
  private static final int CANCELLED = 1024;

  private final Map<String, BoundTask> bound = lru(BOUND_TASKS);

  /**
   * Tasks bound before, by task and parameters: a task's validation depends on its parameters alone
   * (the SPI says so), so a new job of the same task and parameters needs no bind of its own.
   */
  private final Map<TaskSpec, BoundTask> bySpec = lru(BOUND_TASKS);

  private final Set<String> binding = new HashSet<>();
  private final Set<String> cancelled = Collections.newSetFromMap(lru(CANCELLED));

  /** The job's bound task, or null while it is not bound (yet, or any more). */
  BoundTask task(String job) {
    BoundTask task = bound.get(job);
    if (task != null && task.lease().closed()) {
      bound.remove(job); // its shipped code was closed while the job was quiet: bound again
      return null;
    }
    return task;
  }

  /**
   * Forgets the tasks whose shipped code was closed, so nothing here holds their classes.
   *
   * @return how many bound tasks were forgotten
   */
  int dropClosed() {
    int before = bound.size() + bySpec.size();
    bound.values().removeIf(task -> task.lease().closed());
    bySpec.values().removeIf(task -> task.lease().closed());
    return before - bound.size() - bySpec.size();
  }

  /**
   * Gives the job the task bound for the same task and parameters before, if there is one.
   *
   * @return true when the job's task is bound now
   */
  boolean bindKnown(String job, TaskSpec spec) {
    if (task(job) != null) {
      return true;
    }
    BoundTask known = bySpec.get(spec);
    if (known == null || known.lease().closed() || cancelled.contains(job)) {
      return false;
    }
    bound.put(job, known);
    return true;
  }

  /**
   * Whether the caller should start binding the job's task now: it is neither bound nor binding.
   * From now on it is binding, until {@link #bindEnded}.
   */
  boolean startBind(String job) {
    if (task(job) != null || cancelled.contains(job)) {
      return false;
    }
    return binding.add(job);
  }

  /**
   * A bind ended.
   *
   * @param task the bound task, or null when the bind failed (the next batch binds again)
   * @return false when the result is no longer wanted: the job was cancelled meanwhile
   */
  boolean bindEnded(String job, TaskSpec spec, BoundTask task) {
    if (task != null) {
      bySpec.put(spec, task);
    }
    if (!binding.remove(job)) {
      return false;
    }
    if (task != null) {
      bound.put(job, task);
    }
    return true;
  }

  /**
   * Marks the job cancelled and forgets its task.
   *
   * @return false when it was cancelled already
   */
  boolean cancel(String job) {
    bound.remove(job);
    binding.remove(job);
    return cancelled.add(job);
  }

  boolean cancelled(String job) {
    return cancelled.contains(job);
  }

  private static <K, V> Map<K, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
