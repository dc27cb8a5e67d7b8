package cohort.coordinator.joblog;

import cohort.api.TaskError;
import cohort.coordinator.job.FailurePolicy;
import cohort.coordinator.job.Origin;
import cohort.coordinator.job.ResultBlock;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One input's row of a job log. The first nine columns are GNU parallel's {@code --joblog} columns
 * in its order, so tools that read those read these; Cohort's own two follow.
 *
 * @param index the input's index in the job (Seq shows it plus one, as parallel counts from 1)
 * @param host the node's {@code host:port}, or "-"
 * @param start when the input's batch went out to the node
 * @param runtimeNanos the task's time for the input: exec's own measure, otherwise its batch part's
 *     busy time divided by the part's inputs
 * @param send bytes of the input as JSON
 * @param receive bytes of the output as JSON (exec: of its stdout); 0 without one
 * @param exit 0 for a result, 1 for an error (exec: the command's exit code); -1 when it never ran
 * @param command the input: its text, or its JSON
 * @param attempts the attempt that gave the result; 0 when it never ran
 * @param outcome {@code ok}, {@code quarantined}, {@code cancelled}, {@code never run}, or the
 *     error's type
 */
public record JobLogRow(
    long index,
    String host,
    Instant start,
    long runtimeNanos,
    long send,
    long receive,
    int exit,
    String command,
    int attempts,
    String outcome) {

  /** The header line, with its newline. */
  public static final String HEADER =
      "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\tAttempts"
          + "\tOutcome\n";

  /** The outcome of an input with a result. */
  public static final String OK = "ok";

  /** The outcome of an input given up on after max-attempts runs. */
  public static final String QUARANTINED = "quarantined";

  /** The outcome of an input without a result in a cancelled job. */
  public static final String CANCELLED = "cancelled";

  /** The outcome of an input without a result in a job that ended otherwise. */
  public static final String NEVER_RUN = "never run";

  private static final Pattern EXIT_CODE = Pattern.compile("exited with code (-?\\d+)");

  /** The rows of a block of results, in its order. */
  public static List<JobLogRow> of(ResultBlock block) {
    List<JobLogRow> rows = new ArrayList<>(block.size());
    Origin origin = block.origin();
    for (int offset = 0; offset < block.size(); offset++) {
      JsonNode input = block.inputs().get(offset);
      TaskError error = block.errors().isEmpty() ? null : block.errors().get(offset);
      long runtime = origin.nanosPerInput();
      long receive = 0;
      int exit;
      String outcome;
      if (error == null) {
        JsonNode output = block.outputs().get(offset);
        receive = bytes(output);
        exit = 0;
        outcome = OK;
        if (isExecResult(output)) {
          exit = output.get("exit").intValue();
          runtime = output.get("millis").longValue() * 1_000_000;
          receive = utf8(output.get("stdout").asText(""));
        }
      } else {
        exit = exitCode(error);
        outcome = FailurePolicy.QUARANTINED.equals(error.type()) ? QUARANTINED : error.type();
      }
      rows.add(
          new JobLogRow(
              block.firstIndex() + offset,
              origin.node(),
              origin.sentAt(),
              runtime,
              bytes(input),
              receive,
              exit,
              text(input),
              origin.attempt(),
              outcome));
    }
    return rows;
  }

  /** The row of an input without a result: {@link #CANCELLED} or {@link #NEVER_RUN}. */
  public static JobLogRow withoutResult(long index, String outcome) {
    return new JobLogRow(index, "-", Instant.EPOCH, 0, 0, 0, -1, "", 0, outcome);
  }

  /** The row as a tab-separated line, with its newline; tabs and newlines in values are escaped. */
  public String tsv() {
    return (index + 1)
        + "\t"
        + clean(host)
        + "\t"
        + seconds(start.toEpochMilli(), 0)
        + "\t"
        + seconds((runtimeNanos + 500_000) / 1_000_000, 10)
        + "\t"
        + send
        + "\t"
        + receive
        + "\t"
        + exit
        + "\t0\t"
        + clean(command)
        + "\t"
        + attempts
        + "\t"
        + clean(outcome)
        + "\n";
  }

  /**
   * Milliseconds as seconds with three decimals, padded with spaces to {@code width}: parallel's
   * {@code %.3f} and {@code %10.3f}, without a formatter per row (a job log may have millions).
   */
  static String seconds(long millis, int width) {
    long fraction = millis % 1000;
    String text =
        (millis / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
  }

  /** The input index a line written by {@link #tsv} is for. */
  static long indexOf(String line) {
    int tab = line.indexOf('\t');
    return Long.parseLong(tab < 0 ? line : line.substring(0, tab)) - 1;
  }

  /** The output of the exec task: its exit code and time are the row's. */
  private static boolean isExecResult(JsonNode output) {
    return output != null
        && output.isObject()
        && output.path("exit").isInt()
        && output.path("millis").isIntegralNumber()
        && output.has("stdout");
  }

  /** An exec input that failed on its exit code (check: true) keeps that code; others are 1. */
  private static int exitCode(TaskError error) {
    Matcher exit = EXIT_CODE.matcher(error.message() == null ? "" : error.message());
    if (error.type() != null && error.type().endsWith("CommandFailedException") && exit.find()) {
      return Integer.parseInt(exit.group(1));
    }
    return 1;
  }

  /** A value as the Command column shows it: a text as it is, anything else as JSON. */
  private static String text(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    return value.isIntegralNumber() && value.canConvertToLong()
        ? Long.toString(value.longValue())
        : value.toString();
  }

  /**
   * Bytes of a value as JSON. Numbers and plain texts are counted without writing them out: the
   * result writer counts every input and output of a job.
   */
  private static long bytes(JsonNode value) {
    if (value == null || value.isNull()) {
      return 0;
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return Long.toString(value.longValue()).length();
    }
    if (value.isTextual() && plain(value.textValue())) {
      return utf8(value.textValue()) + 2;
    }
    return utf8(value.toString());
  }

  /** Whether JSON writes the text with no escapes. */
  private static boolean plain(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** Bytes of the text in UTF-8, counted without encoding it. */
  private static long utf8(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String clean(String value) {
    if (value.indexOf('\t') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return value;
    }
    return value
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r");
  }
}
