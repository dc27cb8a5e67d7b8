package cohort.node.tasks.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns an exec job's command and one input into the command line to run, with GNU parallel's
 * replacement strings: {@code {}} the input, {@code {.}} without its extension, {@code {/}} its
 * last path part, {@code {//}} its folder, {@code {/.}} its last part without extension. Without
 * any replacement string the input is added as the last argument, like xargs.
 *
 * <p>With a shell the command becomes one {@code /bin/sh -c} script and every replacement is quoted
 * for the shell, so an input cannot inject commands.
 */
public final class CommandTemplate {

  private static final String[] TOKENS = {"{//}", "{/.}", "{/}", "{.}", "{}"};

  private CommandTemplate() {}

  /** The argument vector to start for {@code input}. */
  public static List<String> render(List<String> command, String input, boolean shell) {
    if (command == null || command.isEmpty()) {
      throw new IllegalArgumentException("the command is empty");
    }
    if (shell) {
      String script = String.join(" ", command);
      String rendered = replace(script, input, true);
      if (rendered.equals(script)) {
        rendered = script + " " + quote(input);
      }
      return List.of("/bin/sh", "-c", rendered);
    }
    List<String> argv = new ArrayList<>(command.size() + 1);
    boolean replaced = false;
    for (String argument : command) {
      String rendered = replace(argument, input, false);
      replaced |= !rendered.equals(argument);
      argv.add(rendered);
    }
    if (!replaced) {
      argv.add(input);
    }
    return argv;
  }

  private static String replace(String text, String input, boolean quote) {
    StringBuilder out = new StringBuilder(text.length() + input.length());
    int i = 0;
    while (i < text.length()) {
      String token = tokenAt(text, i);
      if (token == null) {
        out.append(text.charAt(i++));
        continue;
      }
      String value = valueOf(token, input);
      out.append(quote ? quote(value) : value);
      i += token.length();
    }
    return out.toString();
  }

  private static String tokenAt(String text, int i) {
    for (String token : TOKENS) {
      if (text.startsWith(token, i)) {
        return token;
      }
    }
    return null;
  }

  private static String valueOf(String token, String input) {
    int slash = input.lastIndexOf('/');
    String last = input.substring(slash + 1);
    switch (token) {
      case "{}":
        return input;
      case "{.}":
        return withoutExtension(input, slash);
      case "{/}":
        return last;
      case "{//}":
        return slash < 0 ? "." : slash == 0 ? "/" : input.substring(0, slash);
      case "{/.}":
        return withoutExtension(last, -1);
      default:
        throw new IllegalStateException(token);
    }
  }

  private static String withoutExtension(String path, int slash) {
    int dot = path.lastIndexOf('.');
    return dot > slash + 1 ? path.substring(0, dot) : path;
  }

  /** Quotes a value for {@code /bin/sh}: single quotes, with inner ones closed and escaped. */
  public static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
