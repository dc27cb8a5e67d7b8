package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's parsing and usage errors, without any cluster. */
class CommandLineTest {

  private record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = CohortCommand.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  /** Tests that submit without inputs is a usage error with exit code 2. */
  @Test
  void submitNeedsInputs() {
    Outcome outcome = run("submit", "echo", "--coordinator", "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err())
        .contains("give the inputs: INPUT..., --range A..B, --input-file FILE, or --dir DIR");
  }

  /** Tests that two input sources at once are refused. */
  @Test
  void oneInputSourceOnly() {
    Outcome outcome =
        run("submit", "echo", "1", "--range", "0..2", "--coordinator", "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err()).contains("one way only");
  }

  /** Tests that --ordered and --unordered exclude each other. */
  @Test
  void orderFlagsExcludeEachOther() {
    Outcome outcome = run("submit", "echo", "1", "--ordered", "--unordered");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err()).contains("mutually exclusive");
  }

  /** Tests that cohort local refuses node and slot counts out of range, saying which and why. */
  @Test
  void localRefusesCountsOutOfRange() {
    Outcome noNodes = run("local", "--nodes", "0");
    assertThat(noNodes.code()).isEqualTo(2);
    assertThat(noNodes.err()).contains("--nodes must be 1 or more");
    Outcome tooMany = run("local", "--workers", "5000");
    assertThat(tooMany.code()).isEqualTo(2);
    assertThat(tooMany.err()).contains("--workers must be 0 (one per core) to 1024; it was 5000");
  }

  /**
   * Tests that labels that are not valid are refused before anything starts, naming the option, and
   * that --require without a coordinator says why it cannot work.
   */
  @Test
  void labelsAreCheckedUpFront() {
    Outcome bad =
        run("submit", "echo", "1", "--require", "GPU!", "--coordinator", "http://127.0.0.1:1");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--require 'GPU!' is not a label");
    Outcome embedded = run("submit", "echo", "1", "--require", "gpu");
    assertThat(embedded.code()).isEqualTo(2);
    assertThat(embedded.err())
        .contains("--require and --wait-for-nodes need a cluster with labelled nodes");
    Outcome node = run("node", "--label", "zone=a", "--label", "zone=b");
    assertThat(node.code()).isEqualTo(2);
    assertThat(node.err()).contains("--label gives label 'zone' twice (zone=a and zone=b)");
    Outcome local = run("local", "--label", "Zone A");
    assertThat(local.code()).isEqualTo(2);
    assertThat(local.err()).contains("--label 'Zone A' is not a label");
  }

  /** Tests that a coordinator URL that is not http is refused clearly. */
  @Test
  void badCoordinatorUrl() {
    Outcome outcome = run("status", "--coordinator", "ftp://x");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err()).contains("is not an http or https URL");
  }

  /** Tests that an unreachable coordinator is exit code 2 with advice. */
  @Test
  void unreachableCoordinator() {
    Outcome outcome = run("nodes", "--coordinator", "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err()).contains("cannot reach the coordinator").contains("cohort local");
  }

  /** Tests that a missing input file is named. */
  @Test
  void missingInputFile() {
    Outcome outcome =
        run(
            "submit",
            "echo",
            "--input-file",
            "/no/such/file",
            "--coordinator",
            "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err()).contains("--input-file /no/such/file: no such file");
  }

  /** Tests that a folder given as --input-file is refused, pointing to --dir. */
  @Test
  void inputFileFolder(@TempDir Path dir) {
    Outcome outcome =
        run(
            "submit",
            "echo",
            "--input-file",
            dir.toString(),
            "--coordinator",
            "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err())
        .contains(
            "--input-file "
                + dir
                + " is a folder; give a file of lines, or run on every file under it with --dir "
                + dir);
  }

  /** Tests that every subcommand takes --help, as the usage line of an error says. */
  @Test
  void subcommandHelp() {
    for (String command : new String[] {"submit", "status", "cancel", "nodes", "tasks", "local"}) {
      Outcome outcome = run(command, "--help");
      assertThat(outcome.code()).as(command).isZero();
      assertThat(outcome.out()).as(command).startsWith("Usage: cohort " + command);
    }
    assertThat(run("submit", "--help").out()).contains("--input=VALUE").contains("--input-file");
    assertThat(run("node", "--help").out()).contains("--parent-pid");
  }

  /**
   * Tests that a coordinator or node bound to every interface without --advertise does not start,
   * saying to give it, and that an advertised host with a port is refused; neither starts anything.
   */
  @Test
  void everyInterfaceNeedsAnAdvertisedHost(@TempDir Path dir) {
    String advice =
        "cohort.host = 0.0.0.0 binds every interface, and other members cannot reach this one at"
            + " 0.0.0.0: give the address or DNS name they reach it at with --advertise HOST";
    Outcome coordinator =
        run("coordinator", "--host", "0.0.0.0", "--data-dir", dir.resolve("data").toString());
    assertThat(coordinator.code()).isEqualTo(2);
    assertThat(coordinator.err()).contains(advice);
    Outcome node = run("node", "--host", "0.0.0.0", "--cluster-ca-dir", dir.toString());
    assertThat(node.code()).isEqualTo(2);
    assertThat(node.err()).contains(advice);
    Outcome port =
        run("node", "--advertise", "node-1.example:25520", "--cluster-ca-dir", dir.toString());
    assertThat(port.code()).isEqualTo(2);
    assertThat(port.err()).contains("cohort.advertise = 'node-1.example:25520' has a port");
    assertThat(run("node", "--help").out()).contains("--advertise=HOST");
    assertThat(run("coordinator", "--help").out()).contains("--advertise=HOST");
  }

  /** Tests that the help lists every subcommand. */
  @Test
  void helpListsSubcommands() {
    Outcome outcome = run("--help");
    assertThat(outcome.code()).isZero();
    assertThat(outcome.out())
        .contains("submit", "status", "cancel", "nodes", "tasks", "coordinator", "node", "local");
  }

  /** Tests that exec needs its command after -- and other tasks take none. */
  @Test
  void execCommandAfterDoubleDash() {
    Outcome noCommand = run("submit", "exec", "a", "--coordinator", "http://127.0.0.1:1");
    assertThat(noCommand.code()).isEqualTo(2);
    assertThat(noCommand.err()).contains("give exec its command after --");
    StringWriter err = new StringWriter();
    CommandLine commandLine = CohortCommand.commandLine();
    commandLine.setErr(new PrintWriter(err));
    int code =
        CohortCommand.execute(
            commandLine,
            new String[] {
              "submit", "echo", "a", "--coordinator", "http://127.0.0.1:1", "--", "ls"
            });
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("only exec takes a command after --");
  }

  /** Tests that --shared-fs needs files. */
  @Test
  void sharedFsNeedsFiles() {
    Outcome outcome =
        run("submit", "echo", "a", "--shared-fs", "--coordinator", "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err()).contains("--shared-fs goes with --dir, --files or --out");
  }

  /**
   * Tests that a usage error is one line saying what was wrong and the usage line, not the whole
   * help page.
   */
  @Test
  void aUsageErrorIsOneLineAndTheUsageLine() {
    Outcome outcome = run("submit", "echo", "--coordinator", "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err().lines())
        .containsExactly(
            "cohort: give the inputs: INPUT..., --range A..B, --input-file FILE, or --dir DIR",
            "Usage: cohort submit [OPTIONS] TASK [INPUT...] [-- COMMAND ARG...]  ('cohort submit"
                + " --help' describes every option)");
    assertThat(run("submit").err().lines())
        .containsExactly(
            "cohort: Missing required parameter: 'TASK'",
            "Usage: cohort submit [OPTIONS] TASK [INPUT...] [-- COMMAND ARG...]  ('cohort submit"
                + " --help' describes every option)");
  }

  /** Tests that an input taken for an unknown option is refused saying how to give it. */
  @Test
  void anUnknownOptionSaysHowToGiveAnInputThatStartsWithADash() {
    Outcome outcome = run("submit", "echo", "-x", "--coordinator", "http://127.0.0.1:1");
    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err())
        .startsWith(
            "cohort: Unknown option: '-x'; an input that starts with - goes after --input, such"
                + " as --input -x\n");
  }

  /**
   * Tests that --input takes its value as it is, an option's name or -- included, in order with the
   * other inputs, and that a -- given to --input does not start exec's command.
   */
  @Test
  void inputsThatStartWithADash() {
    CommandLine commandLine = CohortCommand.commandLine();
    String[] args = {
      "submit",
      "echo",
      "a",
      "--input",
      "-x",
      "-5",
      "--input=--",
      "--input",
      "-q",
      "b",
      "--input",
      "--"
    };
    assertThat(CohortCommand.commandStart(args)).isEqualTo(-1);
    commandLine.parseArgs(args);
    SubmitCommand submit = commandLine.getSubcommands().get("submit").getCommand();
    assertThat(submit.inputs).containsExactly("a", "-x", "-5", "--", "-q", "b", "--");
    assertThat(submit.quiet).isFalse();
    assertThat(submit.request().inputs())
        .map(Object::toString)
        .containsExactly("\"a\"", "\"-x\"", "-5", "\"--\"", "\"-q\"", "\"b\"", "\"--\"");

    String[] exec = {"submit", "exec", "--input", "--", "-n", "--", "printf", "%s", "--"};
    assertThat(CohortCommand.commandStart(exec)).isEqualTo(5);
  }

  /** Tests that the scheduling options reach the job request, and bad ones are usage errors. */
  @Test
  void schedulingOptions() {
    CommandLine commandLine = CohortCommand.commandLine();
    commandLine.parseArgs(
        "submit",
        "echo",
        "1",
        "--priority",
        "7",
        "--max-running",
        "3",
        "--limit",
        "db=4",
        "--limit",
        "lock=1",
        "--rate",
        "100/s",
        "--rate",
        "api=10/m");
    SubmitCommand submit = commandLine.getSubcommands().get("submit").getCommand();
    cohort.api.JobRequest request = submit.request();
    assertThat(request.priority()).isEqualTo(7);
    assertThat(request.maxRunning()).isEqualTo(3);
    assertThat(request.limits()).containsEntry("db", 4).containsEntry("lock", 1);
    assertThat(request.rate()).isEqualTo("100/s");
    assertThat(request.rates()).containsExactly(java.util.Map.entry("api", "10/m"));

    Outcome bad =
        run("submit", "echo", "1", "--limit", "db", "--coordinator", "http://127.0.0.1:1");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--limit db is not NAME=K");
    Outcome twice =
        run(
            "submit",
            "echo",
            "1",
            "--rate",
            "1/s",
            "--rate",
            "2/s",
            "--coordinator",
            "http://127.0.0.1:1");
    assertThat(twice.err()).contains("--rate is given twice for the job");
  }
}
