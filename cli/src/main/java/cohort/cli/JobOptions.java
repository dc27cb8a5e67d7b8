package cohort.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options of {@code cohort submit} that shape the job itself, field for field those of the HTTP
 * API's job request: the order of results, a combiner, the batch size, retries and timeouts.
 */
final class JobOptions {

  @ArgGroup(exclusive = true)
  Order order = new Order();

  static final class Order {
    @Option(names = "--ordered", description = "Results in input order, like map (the default).")
    boolean ordered;

    @Option(names = "--unordered", description = "Results as they complete, like imap_unordered.")
    boolean unordered;
  }

  @Option(
      names = "--combine",
      paramLabel = "OP",
      description = "Reduce the outputs at the coordinator: sum, count, min, max, or none.")
  String combine;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Inputs per dispatch; default: sized from measured task time.")
  Integer batch;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description = "Run an input whose task threw up to N more times (default 0).")
  Integer retries;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description =
          "Runs an input gets in all when it times out or its node is lost; then it fails, or is"
              + " quarantined (default 3).")
  Integer maxAttempts;

  @Option(
      names = "--task-timeout",
      paramLabel = "D",
      description =
          "Interrupt an input that runs longer, such as 500ms or 2m; counts as a system failure.")
  String taskTimeout;

  @Option(
      names = "--resume-from",
      paramLabel = "JOB",
      description =
          "Run only the inputs of earlier job JOB without a successful result (failed, quarantined,"
              + " cancelled, never run), at their own indices; give the same task, parameters and"
              + " inputs again, like GNU parallel's --resume. Needs --coordinator.")
  String resumeFrom;

  /** The request with these options. */
  cohort.api.JobRequest applyTo(cohort.api.JobRequest request) {
    return request
        .withOrdered(ordered())
        .withCombine(combine)
        .withBatch(batch)
        .withRetries(retries)
        .withMaxAttempts(maxAttempts)
        .withTaskTimeout(taskTimeout)
        .withResumeFrom(resumeFrom);
  }

  /** The request's {@code ordered}: false for {@code --unordered}, else the default (null). */
  Boolean ordered() {
    return order.unordered ? Boolean.FALSE : null;
  }
}
