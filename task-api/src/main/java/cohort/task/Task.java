package cohort.task;

/**
 * A named function Cohort runs once per input of a job: the task SPI.
 *
 * <p>Nodes find implementations with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/cohort.task.Task} of a jar on the node's classpath (or in its plugin folder)
 * and every job can use it by {@link #name()}. An implementation must have a public no-argument
 * constructor and be safe to call from several threads at once: a node runs one input per slot, all
 * slots in parallel.
 *
 * <p>Inputs, parameters and outputs cross the cluster as JSON values; Jackson converts them to and
 * from the types the task declares. An input that does not convert fails alone with an input error,
 * parameters that do not bind refuse the whole job before anything runs, and so do first inputs
 * none of which converts (the job's first 8, checked on a node with the parameters).
 *
 * @param <I> the input type, for example {@code Long} or a record
 * @param <P> the parameter type: a record whose components are the parameter names, or {@link
 *     NoParams}
 * @param <O> the output type; it must be serializable by Jackson
 */
public interface Task<I, P, O> {

  /** The name jobs use, in lower-case words joined by dashes, for example {@code sum-range}. */
  String name();

  /** One line about what the task computes, shown by {@code cohort tasks}. */
  String description();

  /** The type each input is converted to before {@link #run}. */
  Class<I> inputType();

  /**
   * The parameter type. Unknown parameter names are refused; a component that is not given is null
   * (or zero for primitives), so give defaults in the record's compact constructor.
   */
  Class<P> paramsType();

  /**
   * The combiner a job of this task uses when it names none: {@code sum}, {@code count}, {@code
   * min}, {@code max}, or null for none. A job can still ask for another, or for {@code none}.
   */
  default String combiner() {
    return null;
  }

  /**
   * Whether this task runs commands of the job's choosing on the node. A node offers such tasks
   * only when started with {@code --allow-exec}, since anyone who can submit a job could then run
   * anything the node's user can.
   */
  default boolean needsAllowExec() {
    return false;
  }

  /**
   * Checks parameters once per job, before anything runs. The coordinator remembers the verdict for
   * the same parameters while its nodes stay the same, so it should depend on the parameters alone.
   *
   * <p>It must be quick: look at the parameters, and leave anything slow (network calls, reading
   * large files, loading models) to {@link #run}. A node checks tasks on a few threads shared by
   * every job, and one whose validate takes more than a few seconds (5 s) fails the check, or the
   * job's batches on that node, with an error that says its validate took too long; its thread is
   * then interrupted.
   *
   * @throws IllegalArgumentException with a message that names the bad parameter and the fix
   */
  default void validate(P params) {}

  /**
   * Computes the output for one input. An exception becomes this input's error result and the job
   * goes on with its other inputs.
   *
   * <p>Long-running code should check {@link TaskContext#isCancelled()} or respond to thread
   * interruption, which is how a job's cancel and a task timeout reach it.
   */
  O run(I input, P params, TaskContext context) throws Exception;
}
