package cohort.node.tasks.exec;

/**
 * What a command did: {@code check_output} and {@code call} in one.
 *
 * @param exit the exit code
 * @param stdout what it printed, up to the job's maxOutput bytes
 * @param stderr its error output, likewise
 * @param stdoutTruncated whether stdout was cut
 * @param stderrTruncated whether stderr was cut
 * @param millis how long it ran
 */
public record ExecResult(
    int exit,
    String stdout,
    String stderr,
    boolean stdoutTruncated,
    boolean stderrTruncated,
    long millis) {}
