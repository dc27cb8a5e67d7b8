package cohort.node.tasks.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTemplateTest {

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
}
