package cohort.node.setup;

import cohort.task.SetupContext;
import java.util.Map;

/**
 * What a job needs on a node before its first input there: its broadcasts, and its task's per-node
 * setup if the task has one ({@link cohort.task.NodeSetup}).
 */
public interface Preparation {

  /** The task's name, for messages. */
  String task();

  /** The job's broadcasts, SHA-256 digests by name. */
  Map<String, String> broadcasts();

  /** Whether the task has a per-node setup. */
  boolean hasSetup();

  /** Runs the task's setup; only called when {@link #hasSetup}. */
  Object setup(SetupContext context) throws Exception;

  /** Runs the task's teardown on what {@link #setup} made. */
  void teardown(Object state) throws Exception;

  /** The job's state is kept from now on: its code must stay loaded. */
  default void hold() {}

  /** The job's state was released. */
  default void release() {}

  /** Whether there is anything to prepare: a job without either needs no state on the node. */
  default boolean needed() {
    return hasSetup() || !broadcasts().isEmpty();
  }
}
