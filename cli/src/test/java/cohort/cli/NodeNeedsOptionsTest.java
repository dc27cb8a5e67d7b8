package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NodeNeedsOptionsTest {

  private static NodeNeedsOptions parse(String... args) {
    NodeNeedsOptions options = new NodeNeedsOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  /** Tests that --require and --wait-for-nodes become the request's require and waitForNodes. */
  @Test
  void fillsTheRequest() {
    JobRequest request =
        parse("--require", "gpu", "--require", "zone=a", "--wait-for-nodes")
            .applyTo(JobRequest.range("sleep", "0..3"));
    assertThat(request.require()).containsExactly("gpu", "zone=a");
    assertThat(request.waitForNodes()).isTrue();
    JobRequest plain = parse().applyTo(JobRequest.range("sleep", "0..3"));
    assertThat(plain.require()).isNull();
    assertThat(plain.waitForNodes()).isNull();
  }

  /** Tests that a label that is not valid is refused before anything is sent, naming the option. */
  @Test
  void refusesABadLabelNamingTheOption() {
    assertThatThrownBy(() -> parse("--require", "GPU!").applyTo(JobRequest.range("sleep", "0..3")))
        .hasMessageStartingWith("--require 'GPU!' is not a label: use a name such as gpu");
  }
}
