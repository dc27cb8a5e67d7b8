package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobStatus;
import cohort.cli.local.EmbeddedCluster;
import cohort.client.CohortClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cohort submit --input-file} in this JVM, on an embedded cluster, so the test can see the
 * file descriptors the command leaves open ({@code /proc/self/fd}).
 */
class SubmitInputFileIT {

  private static final Pattern ACCEPTED = Pattern.compile("cohort: job (\\S+) accepted");

  private static EmbeddedCluster cluster;

  private record Outcome(int code, String out, String err) {}

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

  /** Tests that a job whose inputs were all read closes its input file. */
  @Test
  void aCompletedJobClosesItsInputFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lines.txt");
    Files.write(file, lines("line-", 1000).getBytes(StandardCharsets.UTF_8));
    Outcome outcome = submit("echo", file, new StringWriter());
    assertThat(outcome.code()).as(outcome.err()).isZero();
    assertThat(outcome.out()).isEqualTo("1000\n");
    assertThat(openHandles(file)).as("descriptors open on " + file).isZero();
  }

  /**
   * Tests that a job whose upload the coordinator broke off (an input over its size limit) closes
   * its input file, and says why the upload broke.
   */
  @Test
  void aBrokenUploadClosesItsInputFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lines.txt");
    Files.write(
        file,
        (lines("line-", 10) + "x".repeat(300 * 1024) + "\n" + lines("after-", 100_000))
            .getBytes(StandardCharsets.UTF_8));
    Outcome outcome = submit("echo", file, new StringWriter());
    assertThat(outcome.code()).as(outcome.err()).isEqualTo(CohortCommand.USAGE);
    assertThat(outcome.err())
        .containsPattern(
            "cohort: the upload of the inputs of job \\S+ broke: input line 11 is about 300 KiB;"
                + " an input may have at most 192 KiB");
    assertThat(openHandles(file)).as("descriptors open on " + file).isZero();
  }

  /** Tests that a job whose input file cannot be read to its end closes it, naming the line. */
  @Test
  void anUnreadableInputFileIsClosed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.txt");
    byte[] head = lines("line-", 1000).getBytes(StandardCharsets.UTF_8);
    byte[] bad = "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] tail = lines("after-", 1000).getBytes(StandardCharsets.UTF_8);
    try (var out = Files.newOutputStream(file)) {
      out.write(head);
      out.write(bad);
      out.write(tail);
    }
    Outcome outcome = submit("echo", file, new StringWriter());
    assertThat(outcome.code()).as(outcome.err()).isEqualTo(CohortCommand.USAGE);
    assertThat(outcome.err())
        .contains(
            "broke: cannot read --input-file "
                + file
                + ": line 1001 is not UTF-8 text; convert it");
    assertThat(openHandles(file)).as("descriptors open on " + file).isZero();
  }

  /** Tests that a job cancelled while its inputs are still being read closes its input file. */
  @Test
  void aCancelledJobClosesItsInputFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sleeps.txt");
    Files.write(file, "50\n".repeat(100_000).getBytes(StandardCharsets.UTF_8));
    StringWriter err = new StringWriter();
    CompletableFuture<Outcome> running =
        CompletableFuture.supplyAsync(() -> submit("sleep", file, err, "--batch", "1"));
    String id = awaitJobId(err, running);
    CohortClient client = CohortClient.connect(cluster.url());
    assertThat(client.cancel(id).state()).isEqualTo(JobStatus.State.CANCELLED);
    Outcome outcome = running.get(60, TimeUnit.SECONDS);
    assertThat(outcome.code()).as(outcome.err()).isNotZero();
    assertThat(openHandles(file)).as("descriptors open on " + file).isZero();
  }

  private static Outcome submit(String task, Path file, StringWriter err, String... more) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = CohortCommand.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    String[] args =
        Stream.concat(
                Stream.of(
                    "submit",
                    task,
                    "--input-file",
                    file.toString(),
                    "--combine",
                    "count",
                    "-q",
                    "--coordinator",
                    cluster.url().toString()),
                Stream.of(more))
            .toArray(String[]::new);
    int code = CohortCommand.execute(commandLine, args);
    return new Outcome(code, out.toString(), err.toString());
  }

  private static String awaitJobId(StringWriter err, CompletableFuture<Outcome> running)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Matcher accepted = ACCEPTED.matcher(err.toString());
      if (accepted.find()) {
        return accepted.group(1);
      }
      assertThat(running).as("the submit runs: %s", err).isNotDone();
      assertThat(System.nanoTime()).as("no job accepted: %s", err).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Lines {@code prefix0} to {@code prefix(count-1)}, each ended by a newline. */
  private static String lines(String prefix, int count) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      lines.append(prefix).append(i).append('\n');
    }
    return lines.toString();
  }

  /** How many of this JVM's file descriptors are open on {@code file}. */
  private static long openHandles(Path file) throws IOException {
    Path real = file.toRealPath();
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.filter(fd -> real.equals(target(fd))).count();
    }
  }

  private static Path target(Path descriptor) {
    try {
      return Files.readSymbolicLink(descriptor);
    } catch (IOException e) {
      return null; // closed since it was listed
    }
  }
}
