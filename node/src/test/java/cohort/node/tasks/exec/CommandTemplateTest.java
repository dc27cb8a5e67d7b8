package cohort.node.tasks.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandTemplateTest {

  /** Every replacement string, NUL after each, as GNU parallel and the oracle run it. */
  private static final String PRINT_ALL = "printf '%s\\0' {} {.} {/} {//} {/.}";

  /** Inputs that once went wrong or easily could: dotfiles, trailing slashes, tokens as inputs. */
  private static final List<String> NAMED =
      List.of(
          "",
          ".",
          "..",
          "/",
          "//",
          "a",
          "a.",
          "a..b",
          ".bashrc",
          "dir/.bashrc",
          "dir/",
          "dir.d/",
          "a/b.c/",
          "/a.b",
          "//a//",
          "a.tar.gz",
          "dir/pic.jpg",
          "{}",
          "{.}",
          "x{/}y.z",
          "-n",
          "--",
          "my file.txt",
          "it's \"quoted\" $HOME *",
          "line\nbreak.txt",
          "dir\n/x.y",
          "caf\u00e9/cr\u00e8me.br\u00fbl\u00e9e");

  /** Tests GNU parallel's replacement strings. */
  @Test
  void replacesTokens() {
    assertThat(
            CommandTemplate.render(
                List.of("convert", "{}", "{.}.png", "{/}", "{//}", "{/.}"), "dir/pic.jpg", false))
        .containsExactly("convert", "dir/pic.jpg", "dir/pic.png", "pic.jpg", "dir", "pic");
    assertThat(CommandTemplate.render(List.of("echo", "{//}"), "pic.jpg", false))
        .containsExactly("echo", ".");
  }

  /** Tests that without a replacement string the input is the last argument, like xargs. */
  @Test
  void appendsTheInput() {
    assertThat(CommandTemplate.render(List.of("wc", "-l"), "a.txt", false))
        .containsExactly("wc", "-l", "a.txt");
  }

  /** Tests that inputs are quoted in shell mode, so they cannot inject commands. */
  @Test
  void quotesForTheShell() {
    assertThat(CommandTemplate.render(List.of("echo {} | wc -c"), "a'; rm -rf /", true))
        .containsExactly("/bin/sh", "-c", "echo 'a'\\''; rm -rf /' | wc -c");
    assertThat(CommandTemplate.render(List.of("ls", "-l"), "my file", true))
        .containsExactly("/bin/sh", "-c", "ls -l 'my file'");
  }

  /** Tests that an empty command is refused. */
  @Test
  void refusesAnEmptyCommand() {
    assertThatThrownBy(() -> CommandTemplate.render(List.of(), "x", false))
        .hasMessageContaining("empty");
  }

  /** Tests that an input which is itself a replacement string is put in once, as it is. */
  @Test
  void anInputThatIsAReplacementStringIsNotAddedAgain() {
    assertThat(CommandTemplate.render(List.of("echo", "{}"), "{}", false))
        .containsExactly("echo", "{}");
    assertThat(CommandTemplate.render(List.of("echo", "<{}>"), "{}", false))
        .containsExactly("echo", "<{}>");
    assertThat(CommandTemplate.render(List.of("echo {}"), "{}", true))
        .containsExactly("/bin/sh", "-c", "echo '{}'");
  }

  /** Tests GNU parallel's answers for dotfiles and trailing slashes, spelled out. */
  @Test
  void dotfilesAndTrailingSlashes() {
    List<String> all = List.of("{}", "{.}", "{/}", "{//}", "{/.}");
    assertThat(CommandTemplate.render(all, ".bashrc", false))
        .containsExactly(".bashrc", "", ".bashrc", ".", "");
    assertThat(CommandTemplate.render(all, "dir/.bashrc", false))
        .containsExactly("dir/.bashrc", "dir/", ".bashrc", "dir", "");
    assertThat(CommandTemplate.render(all, "a/b.c/", false))
        .containsExactly("a/b.c/", "a/b.c/", "", "a", "");
    assertThat(CommandTemplate.render(all, "/", false)).containsExactly("/", "/", "", "/", "");
  }

  /**
   * Tests that every replacement string gives what GNU parallel gives, for many generated paths
   * (every path of up to five of 'a', '.' and '/', random ones of dots, slashes, spaces, quotes,
   * newlines and non-ASCII text, and the named hard cases), with and without a shell.
   */
  @Test
  void matchesGnuParallelForEveryInput(@TempDir Path work) throws Exception {
    GnuParallel parallel = GnuParallel.locate();
    List<String> inputs = generatedPaths();
    List<String> expected = parallel.run(PRINT_ALL, inputs, work);
    assertThat(expected).as("fields GNU parallel printed").hasSize(inputs.size() * 5);

    List<String> printAll = List.of("printf", "%s\\0", "{}", "{.}", "{/}", "{//}", "{/.}");
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      String input = inputs.get(i);
      List<String> argv = CommandTemplate.render(printAll, input, false);
      assertThat(argv.subList(2, 7))
          .as("replacements of input %d, %s", i, show(input))
          .containsExactlyElementsOf(expected.subList(i * 5, i * 5 + 5));
      script.append(CommandTemplate.render(List.of(PRINT_ALL), input, true).get(2)).append('\n');
    }
    // The shell's quoting must carry every value through unchanged: one sh runs them all.
    List<String> shell =
        GnuParallel.fields(new ProcessBuilder("/bin/sh", "-c", script.toString()), "/bin/sh");
    assertThat(shell).containsExactlyElementsOf(expected);
  }

  /**
   * Tests that without a replacement string the input is added once, as GNU parallel adds it,
   * inputs that look like replacement strings or options included.
   */
  @Test
  void appendsLikeGnuParallel(@TempDir Path work) throws Exception {
    GnuParallel parallel = GnuParallel.locate();
    List<String> expected = parallel.run("printf '%s\\0'", NAMED, work);
    List<String> rendered = new ArrayList<>();
    for (String input : NAMED) {
      List<String> argv = CommandTemplate.render(List.of("printf", "%s\\0"), input, false);
      rendered.addAll(argv.subList(2, argv.size()));
    }
    assertThat(rendered).containsExactlyElementsOf(expected);
  }

  /** The named cases, every path of up to five of 'a', '.' and '/', and random ones; no repeats. */
  private static List<String> generatedPaths() {
    Set<String> paths = new LinkedHashSet<>(NAMED);
    List<String> level = List.of("");
    for (int length = 1; length <= 5; length++) {
      List<String> next = new ArrayList<>();
      for (String prefix : level) {
        for (String c : List.of("a", ".", "/")) {
          next.add(prefix + c);
        }
      }
      paths.addAll(next);
      level = next;
    }
    String[] parts = {
      "a",
      "bc",
      ".",
      "..",
      "/",
      "//",
      " ",
      "-",
      "x.tar.gz",
      ".hidden",
      "{}",
      "{.}",
      "'",
      "\"",
      "$",
      "*",
      "\n",
      "\u00e9",
      "\\"
    };
    Random random = new Random(12);
    for (int i = 0; i < 300; i++) {
      StringBuilder path = new StringBuilder();
      for (int n = 1 + random.nextInt(6); n > 0; n--) {
        path.append(parts[random.nextInt(parts.length)]);
      }
      paths.add(path.toString());
    }
    return List.copyOf(paths);
  }

  private static String show(String input) {
    return "'" + input.replace("\n", "\\n") + "'";
  }
}
