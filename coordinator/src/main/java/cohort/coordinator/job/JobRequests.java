package cohort.coordinator.job;

import cohort.api.Durations;
import cohort.api.JobRequest;
import cohort.api.labels.Requirement;
import cohort.coordinator.scheduling.Policies;
import cohort.protocol.Payloads;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Checks a {@code POST /jobs} body and turns it into a job's spec and input source. */
public final class JobRequests {

  /** The answer to a job request without a body. */
  public static final String EMPTY_BODY =
      "the body is empty; send a JSON job such as {\"task\":\"echo\",\"inputs\":[1,2,3]}";

  /** The {@code combine} value that turns off a task's default combiner. */
  public static final String NO_COMBINER = "none";

  /**
   * A request that passed every check.
   *
   * @param taskCombiner true when the request named no combiner, so the task's own applies
   */
  public record Parsed(JobSpec spec, InputSource inputs, boolean taskCombiner) {}

  /** A bound on retries and attempts, so a typo cannot make an input run forever. */
  static final int MAX_RUNS = 100;

  /** What each field of a job request takes, in the words of an error message. */
  private static final Map<String, String> TAKES =
      Map.ofEntries(
          Map.entry("task", "a task's name, a string such as \"echo\" (GET /tasks lists them)"),
          Map.entry(
              "params", "an object of parameter values by name, such as {\"size\":\"128x128\"}"),
          Map.entry("inputs", "a list of JSON values, such as [1,2,3]"),
          Map.entry("range", "a string \"A..B\" of two integers, such as \"0..1000\""),
          Map.entry("split", "a whole number of parts, 1 or more"),
          Map.entry("ordered", "true or false"),
          Map.entry("combine", "one of \"sum\", \"count\", \"min\", \"max\" or \"none\""),
          Map.entry(
              "batch",
              "a whole number of inputs per dispatch, 1 or more; leave 'batch' out to size"
                  + " batches from the measured task time"),
          Map.entry("retries", "a whole number from 0 to " + MAX_RUNS),
          Map.entry("maxAttempts", "a whole number from 1 to " + MAX_RUNS),
          Map.entry("taskTimeout", "a duration such as \"500ms\" or \"2m\""),
          Map.entry(
              "code",
              "an object {\"jars\":[SHA256, ...], \"taskClass\":\"com.acme.MyTask\"} naming jars"
                  + " uploaded with PUT /code/{sha256}"),
          Map.entry("stream", "true or false"),
          Map.entry("priority", "a whole number from -1000 to 1000 (higher runs first)"),
          Map.entry("maxRunning", "a whole number of inputs, 1 or more"),
          Map.entry("limits", "an object of limit names and slots, such as {\"db\":4}"),
          Map.entry("rate", "a rate such as \"100/s\", \"30/m\" or \"2.5/h\""),
          Map.entry("rates", "an object of rate names and rates, such as {\"api\":\"10/s\"}"),
          Map.entry(
              "broadcast",
              "an object of SHA-256 digests by name, such as {\"model\":\"9f86d0...\"}, each"
                  + " uploaded with PUT /broadcasts/{sha256}"),
          Map.entry("require", "a list of labels a node must have, such as [\"gpu\", \"zone=a\"]"),
          Map.entry("waitForNodes", "true or false"));

  private JobRequests() {}

  /**
   * What the job request's field takes, for an error message that names a wrong value: {@code "a
   * whole number of parts, 1 or more"}.
   */
  public static String takes(String field) {
    return TAKES.getOrDefault(field, "one of the fields " + JobRequest.FIELDS);
  }

  /**
   * Checks the request.
   *
   * @throws IllegalArgumentException saying what is wrong and how to fix it
   */
  public static Parsed parse(JobRequest request) {
    if (request == null) {
      throw new IllegalArgumentException(EMPTY_BODY);
    }
    if (request.task() == null || request.task().isBlank()) {
      throw new IllegalArgumentException(
          "the job has no 'task'; name one, for example \"task\":\"echo\" (GET /tasks lists them)");
    }
    String combine = request.combine() == null ? null : request.combine().trim();
    Combiner combiner =
        combine == null || combine.equals(NO_COMBINER) ? null : Combiner.parse(combine);
    // Absent sizes batches from task time: one way to say it, so 0 is not a second one.
    int batch = request.batch() == null ? 0 : request.batch();
    if (request.batch() != null && batch < 1) {
      throw new IllegalArgumentException("'batch' is " + batch + "; it takes " + takes("batch"));
    }
    boolean ordered = request.ordered() == null || request.ordered();
    int retries = request.retries() == null ? JobSpec.DEFAULT_RETRIES : request.retries();
    if (retries < 0 || retries > MAX_RUNS) {
      throw new IllegalArgumentException("'retries' is " + retries + "; use 0 to " + MAX_RUNS);
    }
    int maxAttempts =
        request.maxAttempts() == null ? JobSpec.DEFAULT_MAX_ATTEMPTS : request.maxAttempts();
    if (maxAttempts < 1 || maxAttempts > MAX_RUNS) {
      throw new IllegalArgumentException(
          "'maxAttempts' is " + maxAttempts + "; use 1 to " + MAX_RUNS);
    }
    JobSpec spec =
        new JobSpec(
            new TaskSpec(
                request.task().trim(), request.params(), request.code(), request.broadcast()),
            ordered,
            combiner,
            batch,
            retries,
            maxAttempts,
            timeout(request.taskTimeout()),
            Policies.of(request),
            Requirement.parse(request.require(), "'require'"),
            Boolean.TRUE.equals(request.waitForNodes()));
    return new Parsed(spec, inputs(request), combine == null);
  }

  private static Duration timeout(String text) {
    return text == null ? Duration.ZERO : Durations.parse(text, "'taskTimeout'");
  }

  private static InputSource inputs(JobRequest request) {
    boolean hasList = request.inputs() != null;
    boolean hasRange = request.range() != null;
    boolean streamed = Boolean.TRUE.equals(request.stream());
    if ((hasList ? 1 : 0) + (hasRange ? 1 : 0) + (streamed ? 1 : 0) > 1) {
      throw new IllegalArgumentException(
          "give the inputs one way: 'inputs', 'range' or 'stream', not several");
    }
    if (!hasList && !hasRange && !streamed) {
      throw new IllegalArgumentException(
          "the job has no inputs; give 'inputs' (a JSON list), 'range' (\"A..B\", the integers"
              + " from A up to B, B excluded) or \"stream\": true (then POST them, one JSON value"
              + " per line, to /jobs/{id}/inputs)");
    }
    if (streamed) {
      if (request.split() != null) {
        throw new IllegalArgumentException(
            "'split' cuts a 'range' into parts; a streamed job has none");
      }
      return InputSource.streamed();
    }
    if (request.split() != null && !hasRange) {
      throw new IllegalArgumentException("'split' cuts a 'range' into parts; give a 'range' too");
    }
    if (hasList) {
      List<JsonNode> inputs = request.inputs();
      for (int i = 0; i < inputs.size(); i++) {
        JsonNode input = inputs.get(i);
        if (input == null) {
          throw new IllegalArgumentException("input " + i + " is missing");
        }
        Payloads.requireInputSize(input, "input " + i);
      }
      return InputSource.of(inputs);
    }
    IntegerRange range = IntegerRange.parse(request.range());
    if (request.split() != null) {
      return InputSource.split(range, request.split());
    }
    return InputSource.range(range);
  }
}
