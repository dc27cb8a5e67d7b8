package cohort.node.tasks.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns an exec job's command and one input into the command line to run, with GNU parallel's
 * replacement strings: {@code {}} the input, {@code {.}} without its extension, {@code {/}} its
 * last path part, {@code {//}} its folder, {@code {/.}} its last part without extension. Without
 * any replacement string the input is added as the last argument, like xargs.
 *
 * <p>Each string means exactly what it means in GNU parallel, for every input: parallel defines
 * them as Perl expressions (for {@code {.}} the substitution {@code s:\.[^/.]*$::}, for {@code {/}}
 * one that removes everything up to the last slash, for {@code {//}} File::Basename's {@code
 * dirname}), and this class applies the same rules, so the {@code {.}} of {@code .bashrc} is empty
 * and so is the {@code {/}} of {@code dir/}, as there. CommandTemplateTest checks this against GNU
 * parallel itself. A replacement is never replaced again: an input {@code {}} gives the argument
 * {@code {}}.
 *
 * <p>With a shell the command becomes one {@code /bin/sh -c} script and every replacement is quoted
 * for the shell, so an input cannot inject commands.
 */
public final class CommandTemplate {

  private static final String[] TOKENS = {"{//}", "{/.}", "{/}", "{.}", "{}"};

  /**
   * Perl's {@code \.[^/.]*$}: {@code $} also matches before a last newline, and {@code .} stops at
   * a newline; UNIX_LINES makes Java's regular expressions read both the same way.
   */
  private static final Pattern EXTENSION = Pattern.compile("\\.[^/.]*$", Pattern.UNIX_LINES);

  /**
   * Perl's greedy "anything, then a slash" without the s flag: everything up to the last slash of
   * the first line that has one.
   */
  private static final Pattern FOLDERS = Pattern.compile(".*/", Pattern.UNIX_LINES);

  private CommandTemplate() {}

  /** The argument vector to start for {@code input}. */
  public static List<String> render(List<String> command, String input, boolean shell) {
    if (command == null || command.isEmpty()) {
      throw new IllegalArgumentException("the command is empty");
    }
    if (shell) {
      String script = String.join(" ", command);
      String rendered =
          hasToken(script) ? replace(script, input, true) : script + " " + quote(input);
      return List.of("/bin/sh", "-c", rendered);
    }
    List<String> argv = new ArrayList<>(command.size() + 1);
    boolean replaced = false;
    for (String argument : command) {
      // Whether the template had a token, not whether the text changed: an input {} leaves it as
      // it was, and must not be added a second time.
      replaced |= hasToken(argument);
      argv.add(replace(argument, input, false));
    }
    if (!replaced) {
      argv.add(input);
    }
    return argv;
  }

  private static boolean hasToken(String text) {
    for (int i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
      if (tokenAt(text, i) != null) {
        return true;
      }
    }
    return false;
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
    switch (token) {
      case "{}":
        return input;
      case "{.}":
        return withoutExtension(input);
      case "{/}":
        return basename(input);
      case "{//}":
        return dirname(input);
      case "{/.}":
        return withoutExtension(basename(input));
      default:
        throw new IllegalStateException(token);
    }
  }

  /** GNU parallel's {@code {.}}: {@code s:\.[^/.]*$::}. */
  static String withoutExtension(String path) {
    return EXTENSION.matcher(path).replaceFirst("");
  }

  /**
   * GNU parallel's {@code {/}}: drops everything up to the last slash; empty after a last slash.
   */
  static String basename(String path) {
    return FOLDERS.matcher(path).replaceFirst("");
  }

  /**
   * GNU parallel's {@code {//}}: Perl's {@code File::Basename::dirname} on Unix, which ignores
   * trailing slashes ({@code a/b/} is in {@code a}) and answers {@code .} for a bare name and
   * {@code /} for the root.
   */
  static String dirname(String path) {
    int slash = path.lastIndexOf('/');
    String folder = stripTrailingSlashes(slash < 0 ? "./" : path.substring(0, slash + 1));
    if (path.substring(slash + 1).isEmpty()) {
      // No last part (the path is empty or ends with a slash): the folder's own folder.
      int inner = folder.lastIndexOf('/');
      folder = stripTrailingSlashes(inner < 0 ? "./" : folder.substring(0, inner + 1));
    }
    return folder;
  }

  /** Perl's {@code s{(.)/*\z}{$1}s}: drops trailing slashes but keeps the first character. */
  private static String stripTrailingSlashes(String path) {
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(0, end);
  }

  /** Quotes a value for {@code /bin/sh}: single quotes, with inner ones closed and escaped. */
  public static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
