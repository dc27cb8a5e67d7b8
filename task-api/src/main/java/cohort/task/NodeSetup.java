package cohort.task;

/**
 * A per-node setup step for a task: implement it beside {@link Task} when every input of a job
 * should share something costly to make (a loaded model, a connection pool, a parsed index), the
 * way a process pool's {@code initializer} or a Spark partition's setup does.
 *
 * <p>On each node that runs a job of the task, {@link #setup} runs once, before the first input of
 * that job there, on a thread of the node's own (never one of the node's actors), even when several
 * slots start the job at the same moment: they wait for it. Every input of the job on that node
 * then reaches the result through {@link TaskContext#shared(Class)}. When the job ends on the node
 * (finished, failed or cancelled) or the node stops, {@link #teardown} gets the result, after the
 * last of the job's inputs there has returned.
 *
 * <p>A setup that throws fails the job's inputs on that node with the message {@code setup of task
 * NAME failed on node ADDRESS: ...}, under the job's retry and failure rules; it is not tried again
 * on that node for that job. A teardown that throws is logged, nothing else.
 *
 * @param <P> the task's parameter type
 * @param <S> what setup makes and the inputs share; it must be safe for the node's slots to use at
 *     once
 */
public interface NodeSetup<P, S> {

  /**
   * Makes what the job's inputs on this node share; may block (read a broadcast, open connections).
   * It has no time limit: the job's inputs on this node wait for it, and a cancel stops their
   * waiting, not the setup.
   *
   * @param params the job's parameters, as {@link Task#run} gets them
   * @param context the job, the node and the job's broadcasts
   * @return the shared value; null is allowed and then {@link TaskContext#shared} returns null
   * @throws Exception failing the job's inputs on this node
   */
  S setup(P params, SetupContext context) throws Exception;

  /**
   * Releases what {@link #setup} made: closes connections, frees native memory. By default it
   * closes an {@link AutoCloseable} result and does nothing else.
   *
   * @throws Exception logged on one line; it does not fail anything
   */
  default void teardown(S state) throws Exception {
    if (state instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
