package cohort.node.tasks.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.node.tasks.TestContexts;
import cohort.protocol.Payloads;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec task with real processes. */
class ExecTaskTest {

  private final ExecTask task = new ExecTask();

  private static final TaskContext CONTEXT = TestContexts.reading(null);

  private ExecResult run(String input, ExecParams params) throws Exception {
    task.validate(params);
    return task.run(TextNode.valueOf(input), params, CONTEXT);
  }

  /** Tests that stdout, stderr and the exit code come back, like check_output and call. */
  @Test
  void capturesOutputAndExitCode() throws Exception {
    ExecResult result =
        run(
            "world",
            new ExecParams(
                List.of("sh", "-c", "echo hello $0; echo oops >&2; exit 3", "{}"),
                false,
                false,
                null));
    assertThat(result.exit()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("hello world\n");
    assertThat(result.stderr()).isEqualTo("oops\n");
    assertThat(result.stdoutTruncated()).isFalse();
  }

  /** Tests that check=true fails the input with the exit code and the tail of stderr. */
  @Test
  void checkFailsOnNonZeroExit() {
    assertThatThrownBy(
            () ->
                run(
                    "x",
                    new ExecParams(List.of("echo broken >&2; exit 2; : {}"), true, true, null)))
        .hasMessage("the command exited with code 2: broken");
  }

  /** Tests that output beyond maxOutput is cut and flagged. */
  @Test
  void capsOutput() throws Exception {
    ExecResult result =
        run("x", new ExecParams(List.of("yes {} | head -c 5000"), true, false, 100));
    assertThat(result.stdout()).hasSize(100);
    assertThat(result.stdoutTruncated()).isTrue();
  }

  /**
   * Tests that output past the default cap, on both streams, and output that is not UTF-8 are cut
   * so the result still fits in a cluster message, with the flags set.
   */
  @Test
  void defaultCapKeepsTheResultWithinAMessage() throws Exception {
    ExecParams defaults =
        new ExecParams(
            List.of(
                "head -c 70000 /dev/zero | tr '\\0' a; head -c 70000 /dev/zero | tr '\\0' b >&2; :"
                    + " {}"),
            true,
            false,
            null);
    ExecResult text = run("x", defaults);
    assertThat(text.stdout()).hasSize(ExecParams.DEFAULT_MAX_OUTPUT).matches("a+");
    assertThat(text.stderr()).hasSize(ExecParams.DEFAULT_MAX_OUTPUT).matches("b+");
    assertThat(text.stdoutTruncated()).isTrue();
    assertThat(text.stderrTruncated()).isTrue();
    assertThat(Payloads.estimateBytes(new ObjectMapper().valueToTree(text)))
        .isLessThanOrEqualTo(Payloads.MAX_VALUE_BYTES);

    ExecParams binary =
        new ExecParams(
            List.of("head -c 90000 /dev/urandom; head -c 90000 /dev/urandom >&2; : {}"),
            true,
            false,
            ExecParams.LARGEST_MAX_OUTPUT);
    ExecResult garbage = run("x", binary);
    assertThat(garbage.stdoutTruncated()).isTrue();
    assertThat(Payloads.utf8Length(garbage.stdout()))
        .isLessThanOrEqualTo(ExecParams.LARGEST_MAX_OUTPUT);
    assertThat(Payloads.estimateBytes(new ObjectMapper().valueToTree(garbage)))
        .isLessThanOrEqualTo(Payloads.MAX_VALUE_BYTES);
    assertThat(new CBORMapper().writeValueAsBytes(garbage))
        .hasSizeLessThanOrEqualTo(Payloads.MAX_VALUE_BYTES);
  }

  /**
   * Tests that output cut back to its cap never ends in half of a surrogate pair, which no encoder
   * accepts: bytes that are not UTF-8 (each a 3-byte replacement) between emoji (a pair each), cut
   * at caps that land everywhere in the pattern.
   */
  @Test
  void cutOutputStaysEncodable() throws Exception {
    String pattern = "for i in $(seq 600); do printf '\\377\\360\\237\\230\\200'; done; : {}";
    for (int cap = 1000; cap < 1012; cap++) {
      ExecResult result = run("x", new ExecParams(List.of(pattern), true, false, cap));
      assertThat(result.stdoutTruncated()).isTrue();
      assertThat(Payloads.utf8Length(result.stdout())).as("cap " + cap).isLessThanOrEqualTo(cap);
      byte[] encoded = new CBORMapper().writeValueAsBytes(result); // throws on half a pair
      assertThat(encoded).isNotEmpty();
    }
  }

  /**
   * Tests that an interrupt (a timeout or a cancel) kills the command and the processes it started.
   */
  @Test
  void interruptKillsTheProcessTree(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    ExecParams params =
        new ExecParams(
            List.of("sleep 60 & echo $! > " + pidFile + "; wait; : {}"), true, false, null);
    CompletableFuture<Thread> runner = new CompletableFuture<>();
    CompletableFuture<Object> done =
        CompletableFuture.supplyAsync(
            () -> {
              runner.complete(Thread.currentThread());
              try {
                return run("x", params);
              } catch (Exception e) {
                return e;
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
      assertThat(System.nanoTime()).as("the command started its child").isLessThan(deadline);
      Thread.sleep(10);
    }
    long child = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(child)).isPresent();
    runner.get().interrupt();
    Object outcome = done.get(10, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(InterruptedException.class);
    assertThat(ProcessHandle.of(child).map(ProcessTree::running).orElse(false)).isFalse();
  }

  /** Tests that a command that does not exist fails with its name. */
  @Test
  void missingProgram() {
    assertThatThrownBy(
            () -> run("x", new ExecParams(List.of("no-such-program-here"), false, false, null)))
        .hasMessageStartingWith("cannot start no-such-program-here");
  }

  /** Tests that a job without a command is refused with an example. */
  @Test
  void needsACommand() {
    assertThatThrownBy(() -> task.validate(new ExecParams(null, null, null, null)))
        .hasMessageContaining("after --");
    assertThat(task.needsAllowExec()).isTrue();
  }
}
