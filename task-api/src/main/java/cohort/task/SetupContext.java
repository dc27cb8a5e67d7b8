package cohort.task;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a {@link NodeSetup#setup} may know: the job, the node, and the job's broadcasts, read as
 * {@link TaskContext} reads them.
 */
public interface SetupContext {

  /** The job's id. */
  String jobId();

  /** The address of the node the setup runs on. */
  String node();

  /** The names of the job's broadcasts, empty when it has none. */
  Set<String> broadcastNames();

  /**
   * The broadcast's bytes, as {@link TaskContext#broadcast(String)} gives them.
   *
   * @throws IllegalArgumentException when the job has no broadcast of that name, naming those it
   *     has
   */
  ByteBuffer broadcast(String name);

  /**
   * The broadcast's file on this node, as {@link TaskContext#broadcastFile(String)} gives it.
   *
   * @throws IllegalArgumentException when the job has no broadcast of that name, naming those it
   *     has
   */
  Path broadcastFile(String name);
}
