package cohort.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Why an input has no output: the failure's type, message, where it happened, and how often.
 *
 * @param type the exception's class name, or a Cohort reason such as {@code cohort.InputError}
 * @param message what went wrong, for a person to read
 * @param node the address of the node where the last attempt ran, or null if none ran
 * @param attempts how many times the input ran before Cohort gave up
 * @param trace the remote stack trace, trimmed, or null when there is none to show
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskError(String type, String message, String node, int attempts, String trace) {

  /** Type of the error given to an input that could not be converted to the task's input type. */
  public static final String INPUT_ERROR = "cohort.InputError";

  /** Returns this error with the attempt count set. */
  public TaskError withAttempts(int count) {
    return new TaskError(type, message, node, count, trace);
  }
}
