package cohort.cli;

import cohort.api.ApiJson;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.cli.local.EmbeddedCluster;
import cohort.client.CohortClient;
import cohort.client.JobApi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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
    customSynopsis = "cohort submit [OPTIONS] TASK [INPUT...] [-- COMMAND ARG...]",
    description = {
      "Run TASK once per input and print one JSON line per input to stdout:",
      "  {\"index\":0,\"input\":..,\"output\":..}  or  {\"index\":..,\"input\":..,\"error\":{..}}",
      "With --combine the combined value is printed alone on the last line when every",
      "input succeeded; else stderr shows the value of those that did, marked partial.",
      "Without a coordinator, the job runs on a cluster inside this JVM.",
      "exec takes its command after --: cohort submit exec a b -- wc -c {}",
      "An input that starts with - goes after --input: cohort submit echo --input -x",
      "Ctrl-C cancels the job on every node and waits for that; a second Ctrl-C quits at once.",
      "Exit code: 0 every input succeeded, 1 some failed, 2 usage or connection error,",
      "130 cancelled by Ctrl-C."
    })
final class SubmitCommand implements Callable<Integer> {

  private static final Duration EMBEDDED_START = Duration.ofSeconds(60);

  /**
   * The most files whose inputs a job on the cluster inside this command holds in its request; more
   * are streamed, so a huge folder is not held in memory twice.
   */
  static final int FILES_IN_REQUEST = 100_000;

  @Parameters(
      index = "0",
      paramLabel = "TASK",
      description = "The task to run; 'cohort tasks' lists them.")
  String task;

  /** The inputs given as INPUT and with --input, in the order of the command line. */
  @Parameters(
      index = "1..*",
      paramLabel = "INPUT",
      parameterConsumer = InputsInOrder.class,
      description =
          "Inputs, each read as JSON when it is JSON (42, true, {\"a\":1}) and as a string"
              + " otherwise; file paths with --files or --out. One that starts with - goes"
              + " after --input.")
  List<String> inputs = new ArrayList<>();

  /** Declares --input; its values go to {@link #inputs}, so this list stays empty. */
  @Option(
      names = "--input",
      paramLabel = "VALUE",
      parameterConsumer = InputsInOrder.class,
      description =
          "One more input, taken as it is even when it starts with - (--input -x, --input=-5,"
              + " --input --); repeat for more. In order with the INPUTs.")
  List<String> inputOption = new ArrayList<>();

  @Option(
      names = "--range",
      paramLabel = "A..B",
      description = "The integers A, A+1, .. B-1 as inputs, like Python's range(A, B).")
  String range;

  @Option(
      names = "--split",
      paramLabel = "K",
      description = "Cut --range into K parts, one input {\"start\":a,\"end\":b} each.")
  Integer split;

  @Option(
      names = "--input-file",
      paramLabel = "FILE",
      description =
          "One input per line of FILE, as a string: a file, /dev/null, a FIFO, <(command)...;"
              + " - reads stdin. Lines are read as the cluster takes them, so the file may be"
              + " larger than memory.")
  String inputFile;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Every file under DIR is an input (the task reads its bytes).")
  Path dir;

  @Option(names = "--files", description = "The INPUTs are files (the task reads their bytes).")
  boolean files;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write the files the outputs carry (thumbnails) under DIR; implies --files.")
  Path out;

  @Option(
      names = "--shared-fs",
      description =
          "Every node sees the files at the same paths: send paths, not bytes; nodes write --out"
              + " themselves.")
  boolean sharedFs;

  @Option(
      names = {"-p", "--param"},
      paramLabel = "KEY=VALUE",
      description = "A task parameter; repeat for more.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(
      names = "--shell",
      description = "exec: run the command through /bin/sh -c, inputs quoted.")
  boolean shell;

  @Mixin JobOptions jobOptions;

  @Mixin SchedulingOptions scheduling;
  @Mixin NodeNeedsOptions nodeNeeds;

  @Mixin JarOption jar;

  @Mixin BroadcastOption broadcast;

  @Mixin CoordinatorOption coordinator;

  @Option(
      names = "--detach",
      description = "Print the job id and return at once; follow with 'cohort status'.")
  boolean detach;

  @Mixin ReconnectOption reconnect;

  @Option(
      names = {"-q", "--quiet"},
      description = "Do not print result lines; only the combined value and the summary.")
  boolean quiet;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description =
          "What each result prints on stdout: 'line' (a JSON line with index, input and output"
              + " or error; the default) or 'value' (the output alone; failed inputs on stderr).")
  String output = "line";

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Slots of the in-JVM cluster used without --coordinator (default: the cores).")
  int workers = Runtime.getRuntime().availableProcessors();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The command after {@code --}, for exec; set by {@link CohortCommand} before the run. */
  List<String> command = List.of();

  /**
   * The in-process cluster {@link CohortCommand#main} began to start while picocli read the command
   * line, when {@link CohortCommand#submitRunsInProcess} said it would be needed; null otherwise.
   */
  EmbeddedCluster.Starting early;

  private final ObjectMapper json = ApiJson.newMapper();

  /** The job's id once the coordinator accepted it. */
  private volatile String acceptedJob;

  @Override
  public Integer call() {
    EmbeddedCluster.Starting starting = early;
    try {
      JobRequest request = request();
      if (coordinator.given()) {
        CohortClient client = coordinator.client();
        return run(client, client, shipped(request, client), fileJob(), false);
      }
      if (jobOptions.resumeFrom != null) {
        throw usage(
            "--resume-from needs the coordinator that ran job "
                + jobOptions.resumeFrom
                + ": give its URL with --coordinator (or $COHORT_COORDINATOR)");
      }
      if (nodeNeeds.given()) {
        throw usage(NodeNeedsOptions.NEEDS_COORDINATOR);
      }
      if (detach) {
        throw usage(
            "--detach needs a running coordinator: without --coordinator (or $COHORT_COORDINATOR)"
                + " the job runs on a cluster inside this command, which ends with it. Start one"
                + " with 'cohort local' and give its URL with --coordinator");
      }
      if (workers < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be 1 or more");
      }
      FileJob fileJob = fileJob(); // a missing folder is refused while starting is abandoned
      EmbeddedCluster.Starting inProcess = starting != null ? starting : EmbeddedCluster.begin();
      starting = null; // from here the cluster is closed below, or stopped by withNode on failure
      try (EmbeddedCluster cluster = inProcess.withNode(workers, EMBEDDED_START)) {
        // The node in this JVM reads the listed files where they are: a file job's inputs go in
        // the request, named by path, unless there are so many that they are better streamed.
        boolean filesInRequest =
            fileJob != null && cluster.readsInPlace() && fileJob.size() <= FILES_IN_REQUEST;
        JobRequest job = filesInRequest ? request.withInputs(fileJob.pathInputs()) : request;
        try {
          // Results and job control in place; HTTP only for inputs and files sent while it runs.
          // Shipped code too: the node fetches it over HTTP.
          boolean http =
              inputFile != null
                  || (fileJob != null && !filesInRequest)
                  || jar.given()
                  || broadcast.given();
          CohortClient client = http ? cluster.http(EMBEDDED_START) : null;
          return run(cluster.jobs(), client, shipped(job, client), fileJob, filesInRequest);
        } catch (RuntimeException e) {
          if (!cluster.stopping()) {
            throw e;
          }
          // SIGTERM: the cluster in this JVM stops, and its coordinator with it; the job's end is
          // this command's own, which is all there is to say.
          PrintWriter err = spec.commandLine().getErr();
          err.println(
              acceptedJob == null
                  ? "cohort: stopped; the cluster inside this command ended with it"
                  : "cohort: stopped while job "
                      + acceptedJob
                      + " ran; the job ended with the cluster inside this command");
          err.flush();
          return CohortCommand.INTERRUPTED;
        }
      }
    } finally {
      if (starting != null) {
        starting.abandon();
      }
    }
  }

  /** The request with its jars and broadcasts uploaded where the coordinator lacks them. */
  private JobRequest shipped(JobRequest request, CohortClient client) {
    return broadcast.apply(jar.apply(request, client), client);
  }

  /** The files of a job over files, listed; null for other jobs. */
  private FileJob fileJob() {
    return fileMode() ? FileJob.of(dir, inputs, sharedFs, this.out, json) : null;
  }

  private boolean fileMode() {
    return dir != null || files || out != null;
  }

  /** The job this command line asks for; checks what can be checked before submitting. */
  JobRequest request() {
    outputFormat(); // a misspelt --output is refused before the job is submitted
    reconnect.timeout(this::usage); // and so is a bad --reconnect-timeout
    boolean fileMode = fileMode();
    int sources =
        (inputs.isEmpty() && !fileMode ? 0 : 1)
            + (range == null ? 0 : 1)
            + (inputFile == null ? 0 : 1);
    if (sources != 1 || (fileMode && inputs.isEmpty() && dir == null)) {
      throw usage(
          sources == 0 || (fileMode && inputs.isEmpty() && dir == null)
              ? "give the inputs: INPUT..., --range A..B, --input-file FILE, or --dir DIR"
              : "give the inputs one way only: INPUT..., --range A..B, --input-file FILE or --dir"
                  + " DIR");
    }
    try {
      broadcast.check();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (split != null && range == null) {
      throw usage("--split needs --range");
    }
    if (sharedFs && !fileMode) {
      throw usage("--shared-fs goes with --dir, --files or --out");
    }
    if (inputFile != null) {
      // Checked before an embedded cluster starts; the file is opened (or its reading refused)
      // just before the job is submitted.
      InputLines.check(inputFile);
    }
    if (!command.isEmpty() && !task.equals("exec")) {
      throw usage(
          "only exec takes a command after --; task " + task + " takes its parameters with -p");
    }
    if (task.equals("exec") && command.isEmpty() && !params.containsKey("command")) {
      throw usage(
          "give exec its command after --, for example: cohort submit exec a.txt -- wc -l {}");
    }
    if (jobOptions.resumeFrom != null && (inputFile != null || fileMode)) {
      throw usage(
          "--resume-from needs the inputs given as INPUT... or --range, the same as the first"
              + " time: streamed inputs are not known when the job starts");
    }
    if (detach && (inputFile != null || fileMode)) {
      throw usage(
          "--detach cannot be used with --input-file or files: their inputs are sent while the job"
              + " runs");
    }
    Map<String, JsonNode> parameters = new LinkedHashMap<>();
    params.forEach((key, value) -> parameters.put(key, JsonArgs.parse(value)));
    if (!command.isEmpty()) {
      parameters.put("command", json.valueToTree(command));
    }
    if (shell) {
      parameters.put("shell", BooleanNode.TRUE);
    }
    List<JsonNode> list = null;
    if (!inputs.isEmpty() && !fileMode) {
      list = inputs.stream().map(JsonArgs::parse).toList();
    }
    boolean streamed = inputFile != null || fileMode;
    JobRequest request =
        (range != null ? JobRequest.range(task, range) : JobRequest.of(task, list))
            .withParams(parameters.isEmpty() ? null : parameters)
            .withSplit(split)
            .withStream(streamed ? Boolean.TRUE : null);
    try {
      return nodeNeeds.applyTo(scheduling.applyTo(jobOptions.applyTo(request)));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private ResultPrinter.Format outputFormat() {
    try {
      return ResultPrinter.Format.parse(output);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /**
   * @param client submits, follows and cancels the job
   * @param uploads sends its streamed inputs and files; null when it has none
   * @param fileJob the files of a job over files, or null
   * @param filesInRequest whether the request holds the file job's inputs already
   */
  private int run(
      JobApi client,
      CohortClient uploads,
      JobRequest request,
      FileJob fileJob,
      boolean filesInRequest) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (fileJob != null && fileJob.sharedOut() != null) {
      Map<String, JsonNode> withOut =
          new LinkedHashMap<>(request.params() == null ? Map.of() : request.params());
      withOut.put("out", TextNode.valueOf(fileJob.sharedOut()));
      request = request.withParams(withOut);
    }
    // Opened before the job exists, so a file that cannot be read leaves no job waiting for it.
    try (InputLines lines = inputFile == null ? null : InputLines.open(inputFile)) {
      JobStatus job = client.submit(request);
      if (detach) {
        out.println(job.id());
        out.flush();
        err.println(
            "job "
                + job.id()
                + " accepted with "
                + job.total()
                + " inputs; follow it with: cohort status "
                + job.id());
        err.flush();
        return CohortCommand.OK;
      }
      // A script or test reads the id here to follow or cancel its own job.
      acceptedJob = job.id();
      err.println("cohort: job " + job.id() + " accepted" + NodeNeedsOptions.waitNote(job));
      err.flush();
      InputUpload.Source source =
          fileJob == null ? lines : filesInRequest ? null : fileJob.inputs(job.id());
      ResultPrinter printer =
          new ResultPrinter(
              outputFormat(), quiet, fileJob, out, err, reconnect.timeout(this::usage));
      return JobFollower.follow(client, uploads, job, fileJob, source, printer, out, err);
    }
  }
}
