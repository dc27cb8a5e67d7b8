package cohort.cli;

import cohort.cli.local.ParentWatch;
import picocli.CommandLine.Option;

/**
 * The {@code --parent-pid} option of the commands that start servers: stop cleanly, as on SIGTERM,
 * once that process is gone. {@code cohort local} gives its own pid to every JVM it starts, so none
 * outlives it, however it ends.
 */
final class ParentPidOption {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ParentPidOption.class);

  @Option(
      names = "--parent-pid",
      paramLabel = "PID",
      description =
          "Stop cleanly, as on SIGTERM, once process PID is gone; cohort local gives its own.")
  Long parentPid;

  /** Starts watching the parent, when one was given; {@code what} names this JVM in the log. */
  void watch(String what) {
    if (parentPid == null) {
      return;
    }
    ParentWatch.start(
        parentPid,
        () -> {
          LOG.warn("process {} that started this {} is gone; stopping", parentPid, what);
          // System.exit runs the shutdown hooks (the same clean stop as SIGTERM) and blocks until
          // the JVM ends, so it gets a thread of its own.
          Thread exit = new Thread(() -> System.exit(CohortCommand.OK), "parent-gone-exit");
          exit.start();
        });
  }
}
