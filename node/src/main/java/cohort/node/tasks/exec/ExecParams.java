package cohort.node.tasks.exec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Parameters of the exec task.
 *
 * @param command the program and its arguments, with replacement strings such as {@code {}}
 * @param shell run the command through {@code /bin/sh -c}
 * @param check fail the input when the command exits non-zero, like {@code check_call}
 * @param maxOutput bytes of stdout and of stderr kept in the result
 */
public record ExecParams(
    @JsonPropertyDescription("the command, given after -- on the command line")
        List<String> command,
    @JsonPropertyDescription("run it through /bin/sh -c (--shell)") Boolean shell,
    @JsonPropertyDescription("fail the input on a non-zero exit code") Boolean check,
    @JsonPropertyDescription("bytes of stdout and of stderr kept (default 65536)")
        Integer maxOutput) {

  /** Default and largest {@link #maxOutput}: both streams together stay within a message. */
  static final int DEFAULT_MAX_OUTPUT = 64 * 1024;

  static final int LARGEST_MAX_OUTPUT = 80 * 1024;

  public ExecParams {
    command = command == null ? List.of() : List.copyOf(command);
    shell = shell != null && shell;
    check = check != null && check;
    maxOutput = maxOutput == null ? DEFAULT_MAX_OUTPUT : maxOutput;
  }

  void requireValid() {
    if (command.isEmpty()) {
      throw new IllegalArgumentException(
          "no command: give it after --, for example: cohort submit exec a.txt b.txt -- wc -l {}");
    }
    if (maxOutput < 0 || maxOutput > LARGEST_MAX_OUTPUT) {
      throw new IllegalArgumentException(
          "maxOutput " + maxOutput + " is out of range: use 0 to " + LARGEST_MAX_OUTPUT + " bytes");
    }
  }
}
