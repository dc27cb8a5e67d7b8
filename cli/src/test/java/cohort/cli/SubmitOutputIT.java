package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.cli.local.EmbeddedCluster;
import cohort.client.CohortClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cohort submit --output}: what each result prints, on an embedded cluster. */
class SubmitOutputIT {

  private static EmbeddedCluster cluster;

  private record Outcome(int code, String out, String err) {}

  @BeforeAll
  static void startCluster() {
    cluster = EmbeddedCluster.start(2, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Tests that --output value prints each output alone, in input order, and nothing else. */
  @Test
  void valuePrintsTheOutputsInOrder() {
    Outcome outcome = submit("echo", "--range", "0..5000", "--output", "value");
    assertThat(outcome.code()).as(outcome.err()).isEqualTo(CohortCommand.OK);
    String expected =
        LongStream.range(0, 5000)
            .mapToObj(Long::toString)
            .collect(Collectors.joining("\n", "", "\n"));
    assertThat(outcome.out()).isEqualTo(expected);
  }

  /** Tests that outputs are printed as JSON, so a string output is quoted and stays one line. */
  @Test
  void valuePrintsJson() {
    Outcome outcome = submit("echo", "plain", "two words", "{\"a\":[1,2]}", "--output", "value");
    assertThat(outcome.code()).as(outcome.err()).isEqualTo(CohortCommand.OK);
    assertThat(outcome.out()).isEqualTo("\"plain\"\n\"two words\"\n{\"a\":[1,2]}\n");
  }

  /**
   * Tests that a failed input prints no line on stdout and says on stderr which input failed and
   * why, while the others print their outputs and the combined value is withheld.
   */
  @Test
  void valueReportsFailuresOnStderr() {
    Outcome outcome =
        submit(
            "sum-range",
            "{\"start\":0,\"end\":4}",
            "not a range",
            "{\"start\":10,\"end\":12}",
            "--output",
            "value");
    assertThat(outcome.code()).as(outcome.err()).isEqualTo(CohortCommand.JOB_FAILED);
    assertThat(outcome.out()).isEqualTo("6\n21\n");
    assertThat(outcome.err()).containsPattern("(?m)^cohort: input 1 failed: .*not a range");
  }

  /** Tests that the default prints whole result lines, as before. */
  @Test
  void lineIsTheDefault() {
    Outcome outcome = submit("echo", "7");
    assertThat(outcome.code()).as(outcome.err()).isEqualTo(CohortCommand.OK);
    assertThat(outcome.out()).isEqualTo("{\"index\":0,\"input\":7,\"output\":7}\n");
  }

  /** Tests that an unknown format is refused in plain words, and that no job was submitted. */
  @Test
  void anUnknownFormatIsRefusedBeforeAnyJob() {
    CohortClient client = CohortClient.connect(cluster.url());
    int jobsBefore = client.jobs().size();
    Outcome outcome = submit("echo", "1", "--output", "values");
    assertThat(outcome.code()).isEqualTo(CohortCommand.USAGE);
    assertThat(outcome.err())
        .contains("--output takes 'line'")
        .contains("or 'value'")
        .contains("not 'values'");
    assertThat(client.jobs()).hasSize(jobsBefore);
  }

  private static Outcome submit(String task, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = CohortCommand.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    List<String> args =
        Stream.concat(
                Stream.of("submit", task, "--coordinator", cluster.url().toString()),
                Stream.of(more))
            .toList();
    int code = CohortCommand.execute(commandLine, args.toArray(String[]::new));
    return new Outcome(code, out.toString(), err.toString());
  }
}
