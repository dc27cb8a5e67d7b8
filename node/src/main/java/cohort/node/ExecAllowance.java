package cohort.node;

import cohort.node.tasks.exec.ExecParams;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which commands a node lets jobs run ({@code cohort.node.allow-exec}, {@code --allow-exec}): none
 * (the default), any, or only the programs listed. With a list, a job's command must name one of
 * them literally as its program (not through a replacement string such as {@code {}}, which the
 * inputs would fill), and not run through a shell unless {@code sh} is listed (which then allows
 * any command line, as a shell runs anything); other tasks that run commands stay off, since only
 * {@code exec}'s program can be checked.
 *
 * @param any every program is allowed
 * @param programs the programs allowed when not {@code any}, sorted; empty with neither: none
 */
public record ExecAllowance(boolean any, Set<String> programs) {

  /** No commands: the default. */
  public static final ExecAllowance NONE = new ExecAllowance(false, Set.of());

  /** Any command. */
  public static final ExecAllowance ANY = new ExecAllowance(true, Set.of());

  public ExecAllowance {
    programs = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(programs));
  }

  /**
   * Reads the setting: {@code false}, {@code true}, or programs separated by commas.
   *
   * @throws IllegalArgumentException when a listed program is blank
   */
  public static ExecAllowance parse(String text) {
    String value = text.strip();
    if (value.isEmpty() || value.equalsIgnoreCase("false") || value.equalsIgnoreCase("off")) {
      return NONE;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("on")) {
      return ANY;
    }
    List<String> listed = Arrays.stream(value.split(",")).map(String::strip).toList();
    if (listed.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          "cohort.node.allow-exec = "
              + text
              + ": a program name is empty; give true, false, or names such as convert,ffmpeg");
    }
    return new ExecAllowance(false, new TreeSet<>(listed));
  }

  /** Whether some command may run. */
  public boolean some() {
    return any || !programs.isEmpty();
  }

  /** Why a job's exec command may not run here, or empty when it may. */
  public Optional<String> refusal(ExecParams params) {
    if (any) {
      return Optional.empty();
    }
    String allowed = "this node runs only " + String.join(", ", programs) + " (--allow-exec)";
    if (params.shell()) {
      // A shell runs whatever its command line says: allowed only with sh itself.
      return programs.contains("sh")
          ? Optional.empty()
          : Optional.of("commands through a shell are not allowed: " + allowed);
    }
    String program = params.command().isEmpty() ? "" : params.command().get(0);
    if (program.contains("{")) {
      return Optional.of(
          "the program '"
              + program
              + "' is filled from the inputs, which is not allowed: "
              + allowed);
    }
    if (!programs.contains(program)) {
      return Optional.of("'" + program + "' is not allowed: " + allowed);
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return any ? "true" : programs.isEmpty() ? "false" : String.join(",", programs);
  }
}
