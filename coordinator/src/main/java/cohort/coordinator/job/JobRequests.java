package cohort.coordinator.job;

import cohort.api.JobRequest;
import cohort.protocol.Payloads;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a {@code POST /jobs} body and turns it into a job's spec and input source. */
public final class JobRequests {

  private static final Pattern RANGE =
      Pattern.compile("\\s*(-?[0-9][0-9_]*)\\s*\\.\\.\\s*(-?[0-9][0-9_]*)\\s*");

  /** The {@code combine} value that turns off a task's default combiner. */
  public static final String NO_COMBINER = "none";

  /**
   * A request that passed every check.
   *
   * @param taskCombiner true when the request named no combiner, so the task's own applies
   */
  public record Parsed(JobSpec spec, InputSource inputs, boolean taskCombiner) {}

  private JobRequests() {}

  /**
   * Checks the request.
   *
   * @throws IllegalArgumentException saying what is wrong and how to fix it
   */
  public static Parsed parse(JobRequest request) {
    if (request == null) {
      throw new IllegalArgumentException(
          "the body is empty; send a JSON job such as " + "{\"task\":\"echo\",\"inputs\":[1,2,3]}");
    }
    if (request.task() == null || request.task().isBlank()) {
      throw new IllegalArgumentException(
          "the job has no 'task'; name one, for example \"task\":\"echo\" (GET /tasks lists them)");
    }
    String combine = request.combine() == null ? null : request.combine().trim();
    Combiner combiner =
        combine == null || combine.equals(NO_COMBINER) ? null : Combiner.parse(combine);
    int batch = request.batch() == null ? 0 : request.batch();
    if (batch < 0) {
      throw new IllegalArgumentException(
          "'batch' is " + batch + "; use 0 (sized from task time) or a positive number of inputs");
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
            new TaskSpec(request.task().trim(), request.params()),
            ordered,
            combiner,
            batch,
            retries,
            maxAttempts,
            timeout(request.taskTimeout()));
    return new Parsed(spec, inputs(request), combine == null);
  }

  /** A bound on retries and attempts, so a typo cannot make an input run forever. */
  static final int MAX_RUNS = 100;

  /**
   * Parses a duration such as {@code 500ms}, {@code 30s} or {@code 2m} (HOCON's units; a bare
   * number is milliseconds).
   *
   * @throws IllegalArgumentException saying what was wrong and giving examples
   */
  public static Duration parseDuration(String text, String what) {
    try {
      Duration value = ConfigFactory.parseMap(Map.of("d", text.trim())).getDuration("d");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " '" + text + "' must be positive");
      }
      return value;
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          what + " '" + text + "' is not a duration; write for example 500ms, 30s or 5m");
    }
  }

  private static Duration timeout(String text) {
    return text == null ? Duration.ZERO : parseDuration(text, "'taskTimeout'");
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
        long size = Payloads.estimateBytes(input);
        if (size > Payloads.MAX_VALUE_BYTES) {
          throw new IllegalArgumentException(
              "input "
                  + i
                  + " is about "
                  + size / 1024
                  + " KiB; an input may have at most "
                  + Payloads.MAX_VALUE_BYTES / 1024
                  + " KiB: pass large data as file paths instead");
        }
      }
      return InputSource.of(inputs);
    }
    long[] range = parseRange(request.range());
    if (request.split() != null) {
      return InputSource.split(range[0], range[1], request.split());
    }
    return InputSource.range(range[0], range[1]);
  }

  /**
   * Parses {@code A..B} into its two ends.
   *
   * @throws IllegalArgumentException when the text is not a range of 64-bit integers
   */
  public static long[] parseRange(String text) {
    Matcher m = RANGE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "range '" + text + "' is not A..B with integers A and B; for example 0..1000");
    }
    try {
      long start = Long.parseLong(m.group(1).replace("_", ""));
      long end = Long.parseLong(m.group(2).replace("_", ""));
      if (end < start) {
        throw new IllegalArgumentException(
            "range '" + text + "' ends before it starts; write the smaller number first");
      }
      if (end - start < 0) {
        throw new IllegalArgumentException(
            "range '" + text + "' has more than " + Long.MAX_VALUE + " integers");
      }
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "range '" + text + "' has a number outside the 64-bit integers");
    }
  }
}
