package cohort.client.cli;

import cohort.client.CohortClient;
import cohort.client.local.EmbeddedCluster;
import cohort.messages.api.JobRequest;
import cohort.messages.api.JobStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cohort submit}: runs a task over inputs and streams the results to stdout as JSON lines,
 * like {@code Pool.map} (ordered) or {@code imap_unordered}.
 */
@Command(
    name = "submit",
    sortOptions = false,
    description = {
      "Run TASK once per input and print one JSON line per input to stdout:",
      "  {\"index\":0,\"input\":..,\"output\":..}  or  {\"index\":..,\"input\":..,\"error\":{..}}",
      "With --combine the combined value is printed alone on the last line.",
      "Without a coordinator, the job runs on a cluster inside this JVM.",
      "Ctrl-C cancels the job on every node and waits for that; a second Ctrl-C quits at once.",
      "Exit code: 0 every input succeeded, 1 some failed, 2 usage or connection error,",
      "130 cancelled by Ctrl-C."
    })
final class SubmitCommand implements Callable<Integer> {

  private static final Duration EMBEDDED_START = Duration.ofSeconds(60);

  @Parameters(index = "0", paramLabel = "TASK", description = "The task to run; 'cohort tasks' lists them.")
  String task;

  @Parameters(
      index = "1..*",
      paramLabel = "INPUT",
      description = "Inputs, each read as JSON when it is JSON (42, true, {\"a\":1}) and as a string otherwise.")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--range", paramLabel = "A..B", description = "The integers A, A+1, .. B-1 as inputs, like Python's range(A, B).")
  String range;

  @Option(names = "--split", paramLabel = "K", description = "Cut --range into K parts, one input {\"start\":a,\"end\":b} each.")
  Integer split;

  @Option(names = "--input-file", paramLabel = "FILE", description = "One input per line of FILE, as a string; - reads stdin.")
  String inputFile;

  @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "A task parameter; repeat for more.")
  Map<String, String> params = new LinkedHashMap<>();

  @ArgGroup(exclusive = true)
  Order order = new Order();

  static final class Order {
    @Option(names = "--ordered", description = "Results in input order, like map (the default).")
    boolean ordered;

    @Option(names = "--unordered", description = "Results as they complete, like imap_unordered.")
    boolean unordered;
  }

  @Option(names = "--combine", paramLabel = "OP", description = "Reduce the outputs at the coordinator: sum, count, min or max.")
  String combine;

  @Option(names = "--batch", paramLabel = "N", description = "Inputs per dispatch; default: sized from measured task time.")
  Integer batch;

  @Option(names = "--retries", paramLabel = "N", description = "Run an input whose task threw up to N more times (default 0).")
  Integer retries;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description = "Runs an input gets in all when it times out or its node is lost; then it fails, or is quarantined (default 3).")
  Integer maxAttempts;

  @Option(names = "--task-timeout", paramLabel = "D", description = "Interrupt an input that runs longer, such as 500ms or 2m; counts as a system failure.")
  String taskTimeout;

  @Mixin CoordinatorOption coordinator;

  @Option(names = "--detach", description = "Print the job id and return at once; follow with 'cohort status'.")
  boolean detach;

  @Option(names = {"-q", "--quiet"}, description = "Do not print result lines; only the combined value and the summary.")
  boolean quiet;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Slots of the in-JVM cluster used without --coordinator (default: the cores).")
  int workers = Runtime.getRuntime().availableProcessors();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    JobRequest request = request();
    if (coordinator.given()) {
      return run(coordinator.client(), request);
    }
    if (workers < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be 1 or more");
    }
    try (EmbeddedCluster cluster = EmbeddedCluster.start(workers, EMBEDDED_START)) {
      return run(CohortClient.connect(cluster.url()), request);
    }
  }

  private JobRequest request() {
    int sources = (inputs.isEmpty() ? 0 : 1) + (range == null ? 0 : 1) + (inputFile == null ? 0 : 1);
    if (sources != 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          sources == 0
              ? "give the inputs: INPUT..., --range A..B or --input-file FILE"
              : "give the inputs one way only: INPUT..., --range A..B or --input-file FILE");
    }
    if (split != null && range == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--split needs --range");
    }
    List<JsonNode> list = null;
    if (!inputs.isEmpty()) {
      list = inputs.stream().map(JsonArgs::parse).toList();
    } else if (inputFile != null) {
      list = readLines(inputFile);
    }
    Map<String, JsonNode> parameters = new LinkedHashMap<>();
    params.forEach((key, value) -> parameters.put(key, JsonArgs.parse(value)));
    return new JobRequest(
        task,
        parameters.isEmpty() ? null : parameters,
        list,
        range,
        split,
        order.unordered ? Boolean.FALSE : null,
        combine,
        batch,
        retries,
        maxAttempts,
        taskTimeout);
  }

  private static List<JsonNode> readLines(String file) {
    try (BufferedReader reader =
        file.equals("-")
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      List<JsonNode> lines = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(TextNode.valueOf(line));
      }
      return lines;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("--input-file " + file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --input-file " + file + ": " + e.getMessage(), e);
    }
  }

  private int run(CohortClient client, JobRequest request) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    JobStatus job = client.submit(request);
    if (detach) {
      out.println(job.id());
      out.flush();
      err.println("job " + job.id() + " accepted with " + job.total() + " inputs; follow it with: cohort status " + job.id());
      err.flush();
      return CohortCommand.OK;
    }
    Interrupts interrupts = Interrupts.cancelOnCtrlC(client, job.id(), err);
    ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "stdout-flusher");
      thread.setDaemon(true);
      return thread;
    });
    // Results appear promptly even when they trickle in, without a flush per line.
    flusher.scheduleWithFixedDelay(out::flush, 100, 100, TimeUnit.MILLISECONDS);
    try (Progress progress = Progress.create(job.id(), job.total());
        Stream<String> lines = client.resultLines(job.id())) {
      lines.forEach(
          line -> {
            if (!quiet) {
              out.println(line);
            }
            progress.step();
          });
    } finally {
      flusher.shutdownNow();
      out.flush();
    }
    JobStatus end = client.status(job.id());
    if (end.combine() != null) {
      if (end.combineError() != null) {
        err.println("cohort: the outputs could not be combined with " + end.combine() + ": " + end.combineError());
      } else {
        out.println(end.combined() == null ? "null" : end.combined().toString());
      }
    }
    out.flush();
    err.println(summary(end));
    err.flush();
    if (interrupts.cancelled() && end.state() == JobStatus.State.CANCELLED) {
      return CohortCommand.INTERRUPTED;
    }
    return end.state() == JobStatus.State.SUCCEEDED ? CohortCommand.OK : CohortCommand.JOB_FAILED;
  }

  static String summary(JobStatus status) {
    return String.format(
        "job %s %s: %d succeeded, %d failed of %d inputs in %.3f s",
        status.id(),
        status.state(),
        status.succeeded(),
        status.failed(),
        status.total(),
        status.elapsedMillis() / 1000.0);
  }
}
