package cohort.cli;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.labels.Requirement;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of {@code cohort submit} that say which nodes may run the job: the labels they must
 * have, and whether the job waits for such nodes rather than be refused while there are none.
 */
final class NodeNeedsOptions {

  /** Why the options cannot be used on the cluster inside {@code cohort submit}. */
  static final String NEEDS_COORDINATOR =
      "--require and --wait-for-nodes need a cluster with labelled nodes: without --coordinator"
          + " (or $COHORT_COORDINATOR) the job runs on a cluster inside this command, whose node"
          + " has no labels. Start one with 'cohort local --label LABEL' and give its URL with"
          + " --coordinator";

  @Option(
      names = "--require",
      paramLabel = "LABEL",
      description =
          "Send the inputs only to nodes with this label (cohort node --label): gpu is met by a"
              + " node labelled gpu or gpu=<any value>, zone=a only by zone=a. Repeat for more;"
              + " a node must have them all.")
  List<String> require = new ArrayList<>();

  @Option(
      names = "--wait-for-nodes",
      description =
          "Accept the job even when no node can run it yet (none has the --require labels or"
              + " offers the task); it waits, and 'cohort status' says why, until one joins.")
  boolean waitForNodes;

  /** Whether either option was given. */
  boolean given() {
    return !require.isEmpty() || waitForNodes;
  }

  /** What the CLI adds to the line that says a job was accepted: why it waits, if it does. */
  static String waitNote(JobStatus job) {
    return job.waiting() == null ? "" : "; it waits: " + job.waiting();
  }

  /**
   * The request with these options.
   *
   * @throws IllegalArgumentException when a label is not valid, saying what a label looks like
   */
  JobRequest applyTo(JobRequest request) {
    Requirement.parse(require, "--require"); // checked here, so the message names the option
    return request.withRequire(require).withWaitForNodes(waitForNodes ? Boolean.TRUE : null);
  }
}
