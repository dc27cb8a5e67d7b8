package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.cli.local.EmbeddedCluster;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cohort submit} run in a child JVM the way a shell user runs it, against a cluster in this
 * JVM: inputs read from whatever the shell hands over.
 */
class SubmitIT {

  private static EmbeddedCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = EmbeddedCluster.start(1, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The CLI submitting an echo job of {@code --input-file FILE}, for a shell script. */
  private static String echoLinesOf(String file) {
    return Cli.shellCommand(
            "submit", "echo", "--input-file", "FILE", "--coordinator", cluster.url().toString())
        .replace("'FILE'", file);
  }

  /** Tests that --input-file reads /dev/null as no lines: a job of no inputs that succeeds. */
  @Test
  void inputFileDevNull(@TempDir Path dir) {
    Cli.Run run = Cli.bash(dir, echoLinesOf("/dev/null") + " --combine count");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).containsExactly("0");
    assertThat(run.stderr()).contains("SUCCEEDED: 0 succeeded, 0 failed of 0 inputs");
  }

  /** Tests that a --dir that does not exist is refused in plain words, with no cluster left. */
  @Test
  void missingDirIsRefused(@TempDir Path dir) {
    Cli.Run run =
        Cli.run(
            "submit",
            "thumbnail",
            "--dir",
            dir.resolve("nowhere").toString(),
            "--out",
            dir.resolve("out").toString());
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("--dir " + dir.resolve("nowhere") + ": no such folder");
  }

  /** Tests that --input-file reads a FIFO as its writer writes it. */
  @Test
  void inputFileFifo(@TempDir Path dir) {
    // Opening the FIFO read-write at the end releases a writer still waiting for a reader (when
    // the CLI did not read it), so no process outlives the test.
    Cli.Run run =
        Cli.bash(
            dir,
            "mkfifo lines && { printf 'a\\nb\\n' > lines & }; "
                + echoLinesOf("lines")
                + "; code=$?; exec 3<>lines; exit $code");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .containsExactly(
            "{\"index\":0,\"input\":\"a\",\"output\":\"a\"}",
            "{\"index\":1,\"input\":\"b\",\"output\":\"b\"}");
  }

  /** Tests that --input-file reads /dev/stdin, here a pipe. */
  @Test
  void inputFileDevStdin(@TempDir Path dir) {
    Cli.Run run = Cli.bash(dir, "printf 'a\\nb\\n' | " + echoLinesOf("/dev/stdin"));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .containsExactly(
            "{\"index\":0,\"input\":\"a\",\"output\":\"a\"}",
            "{\"index\":1,\"input\":\"b\",\"output\":\"b\"}");
  }

  /** Tests that --input-file reads a shell's process substitution, {@code <(command)}. */
  @Test
  void inputFileProcessSubstitution(@TempDir Path dir) {
    Cli.Run run = Cli.bash(dir, echoLinesOf("<(printf 'a\\nb\\n')"));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .containsExactly(
            "{\"index\":0,\"input\":\"a\",\"output\":\"a\"}",
            "{\"index\":1,\"input\":\"b\",\"output\":\"b\"}");
  }

  /**
   * Tests that a job with a combiner whose inputs did not all succeed prints no combined value on
   * stdout, where a script would take it for the answer, and shows it on stderr marked partial.
   */
  @Test
  void aFailedJobPrintsNoCombinedValue() {
    String url = cluster.url().toString();
    Cli.Run some = Cli.run("submit", "sleep", "5", "abc", "--combine", "sum", "--coordinator", url);
    assertThat(some.exitCode()).as(some.stderr()).isEqualTo(1);
    assertThat(some.stdout()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{"));
    assertThat(some.stderr())
        .contains(
            "cohort: no combined value, as 1 of 2 inputs failed; partial sum of the 1 that"
                + " succeeded: 5");

    // The first input fits (or the job would be refused before it ran); the input that fails is
    // a sleep interrupted by its timeout.
    Cli.Run all =
        Cli.run(
            "submit",
            "sleep",
            "60000",
            "--task-timeout",
            "200ms",
            "--max-attempts",
            "1",
            "--combine",
            "sum",
            "-q",
            "--coordinator",
            url);
    assertThat(all.exitCode()).as(all.stderr()).isEqualTo(1);
    assertThat(all.stdout()).isEmpty();
    assertThat(all.stderr()).contains("cohort: no combined value, as 1 of 1 inputs failed\n");
  }

  /**
   * Tests that the dispatch settings' environment variables reach the cluster inside submit: a
   * value out of range stops it with the setting's name, before any job.
   */
  @Test
  void dispatchSettingsFromTheEnvironment() {
    Cli.Run batch = Cli.run(Map.of("COHORT_MAX_BATCH", "0"), "submit", "echo", "1");
    assertThat(batch.exitCode()).as(batch.stderr()).isEqualTo(2);
    assertThat(batch.stderr())
        .contains("cohort.dispatch.max-batch = 0 is too small: use 1 or more");

    Cli.Run time = Cli.run(Map.of("COHORT_TARGET_BATCH_TIME", "soon"), "submit", "echo", "1");
    assertThat(time.exitCode()).as(time.stderr()).isEqualTo(2);
    assertThat(time.stderr()).contains("cohort.dispatch.target-batch-time").contains("'soon'");

    Cli.Run window = Cli.run(Map.of("COHORT_ORDERED_WINDOW", "0"), "submit", "echo", "1");
    assertThat(window.exitCode()).as(window.stderr()).isEqualTo(2);
    assertThat(window.stderr()).contains("cohort.dispatch.ordered-window = 0 is too small");
  }

  /**
   * Tests inputs that start with a dash, given with --input, through the CLI: in order with the
   * other inputs, and {@code --} as an input of exec, whose command follows the next {@code --}.
   */
  @Test
  void inputsThatStartWithADash() {
    String url = cluster.url().toString();
    Cli.Run echo =
        Cli.run(
            "submit",
            "echo",
            "a",
            "--input",
            "-x",
            "--input=-5",
            "--input",
            "--",
            "--coordinator",
            url);
    assertThat(echo.exitCode()).as(echo.stderr()).isZero();
    assertThat(echo.stdout())
        .containsExactly(
            "{\"index\":0,\"input\":\"a\",\"output\":\"a\"}",
            "{\"index\":1,\"input\":\"-x\",\"output\":\"-x\"}",
            "{\"index\":2,\"input\":-5,\"output\":-5}",
            "{\"index\":3,\"input\":\"--\",\"output\":\"--\"}");

    Cli.Run exec =
        Cli.run(
            "submit",
            "exec",
            "--input",
            "-n",
            "--input",
            "--",
            "--coordinator",
            url,
            "--",
            "printf",
            "<%s>",
            "{}");
    assertThat(exec.exitCode()).as(exec.stderr()).isZero();
    assertThat(exec.stdout()).hasSize(2);
    assertThat(exec.stdout().get(0)).contains("\"input\":\"-n\"").contains("\"stdout\":\"<-n>\"");
    assertThat(exec.stdout().get(1)).contains("\"input\":\"--\"").contains("\"stdout\":\"<-->\"");
  }

  /**
   * Tests that Ctrl-C in a submit running its job on the cluster inside it (asked in place, no
   * HTTP) cancels the job: the results stop, the command says the job was cancelled and exits 130.
   */
  @Test
  void ctrlCCancelsASubmitWithoutCoordinator() throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("submit", "sleep", "--batch", "1"));
    args.addAll(List.of("--workers", "1", "0", "0"));
    for (int i = 0; i < 50; i++) {
      args.add("60000");
    }
    Cli.Running submit = Cli.start(args.toArray(String[]::new));
    try {
      // The two quick inputs' results are out: the job runs, its third input sleeps.
      submit.awaitStdoutLines(2, Duration.ofSeconds(60));
      submit.signal("INT");
      Cli.Run run = submit.await(Duration.ofSeconds(60));
      assertThat(run.exitCode()).as(run.stderr()).isEqualTo(130);
      assertThat(run.stderr())
          .contains("cancelling job " + run.jobId())
          .contains("job " + run.jobId() + " CANCELLED");
    } finally {
      Children.kill(submit.handle());
    }
  }

  /**
   * Tests that SIGTERM to a submit running its job on the cluster inside it says so in one line,
   * and names no coordinator and no drain timeout: the user started neither.
   */
  @Test
  void sigtermToASubmitWithoutCoordinator(@TempDir Path dir) throws Exception {
    Path running = dir.resolve("running");
    assertThat(new ProcessBuilder("mkfifo", running.toString()).start().waitFor()).isZero();
    // Logging as bin/cohort sets it up, so stderr holds what a user would see.
    String logging = "-Dlogback.configurationFile=" + Children.root().resolve("conf/logback.xml");
    Cli.Running submit =
        Cli.start(
            List.of(logging),
            null,
            "submit",
            "exec",
            running.toString(),
            "--workers",
            "1",
            "--shell",
            "--",
            "echo running > {}; exec sleep 60");
    List<ProcessHandle> started = List.of();
    try {
      // The task opens the FIFO once it runs: reading it waits for exactly that.
      CompletableFuture<String> said =
          CompletableFuture.supplyAsync(() -> readFifo(running), Executors.newCachedThreadPool());
      try {
        assertThat(said.get(120, TimeUnit.SECONDS)).isEqualTo("running\n");
      } finally {
        if (!said.isDone()) {
          new FileOutputStream(running.toFile()).close(); // releases the reader
        }
      }
      // The task may start before the command has read that its job was accepted.
      String id = submit.awaitJobId(Duration.ofSeconds(60));
      started = submit.handle().descendants().toList();
      submit.signal("TERM");
      Cli.Run run = submit.await(Duration.ofSeconds(60));
      assertThat(run.exitCode()).as(run.stderr()).isEqualTo(143);
      // The command's own lines; Pekko may warn of a delayed heartbeat on a loaded machine.
      assertThat(run.stderr().lines().filter(line -> line.startsWith("cohort:")))
          .containsExactly(
              "cohort: job " + id + " accepted",
              "cohort: stopped while job "
                  + id
                  + " ran; the job ended with the cluster inside this command");
      assertThat(run.stderr()).doesNotContain("coordinator").doesNotContain("drain");
    } finally {
      Children.kill(submit.handle());
      started.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static String readFifo(Path fifo) {
    try {
      return Files.readString(fifo);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
