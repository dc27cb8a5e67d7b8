package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lines of {@code --input-file}: splitting, decoding, and closing from another thread. */
class InputLinesTest {

  private static List<String> read(byte[] bytes) {
    InputLines lines = new InputLines("--input-file test", new ByteArrayInputStream(bytes));
    List<String> read = new ArrayList<>();
    lines.forEachRemaining(line -> read.add(line.textValue()));
    return read;
  }

  /** Tests that lines end at \n or \r\n, empty lines count, and a last line needs no newline. */
  @Test
  void splitsLinesAsTextToolsDo() {
    assertThat(read("a\r\nb\n\nc".getBytes(StandardCharsets.UTF_8)))
        .containsExactly("a", "b", "", "c");
    assertThat(read("x\n".getBytes(StandardCharsets.UTF_8))).containsExactly("x");
    assertThat(read(new byte[0])).isEmpty();
  }

  /** Tests that a line longer than the read buffer, with characters across its edge, is whole. */
  @Test
  void readsALineLongerThanItsBuffer() {
    String line = "\u00e9".repeat(100_000);
    assertThat(read((line + "\nend\n").getBytes(StandardCharsets.UTF_8)))
        .containsExactly(line, "end");
  }

  /** Tests that a line that is not UTF-8 is an error naming its number, kept as the failure. */
  @Test
  void namesTheLineThatIsNotUtf8() {
    byte[] head = "one\ntwo\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] bytes = Arrays.copyOf(head, head.length + bad.length);
    System.arraycopy(bad, 0, bytes, head.length, bad.length);
    InputLines lines = new InputLines("--input-file latin1.txt", new ByteArrayInputStream(bytes));
    assertThat(lines.next().textValue()).isEqualTo("one");
    assertThat(lines.next().textValue()).isEqualTo("two");
    assertThatThrownBy(lines::hasNext)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage(
            "cannot read --input-file latin1.txt: line 3 is not UTF-8 text; convert it to UTF-8,"
                + " for example with iconv");
    assertThat(lines.failure()).isPresent();
  }

  /**
   * Tests that closing the lines ends a read blocked on a FIFO in another thread, without counting
   * it as a failure, and that the FIFO's writer then sees a broken pipe.
   */
  @Test
  void closeEndsABlockedReadAndReleasesTheFifo(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("inputs");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
    // Opening either end of a FIFO waits for the other.
    CompletableFuture<OutputStream> opening =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Files.newOutputStream(fifo);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    InputLines lines = new InputLines("--input-file inputs", Files.newInputStream(fifo));
    try (OutputStream writer = opening.get(10, TimeUnit.SECONDS)) {
      writer.write("a\nb\n".getBytes(StandardCharsets.UTF_8));
      writer.flush();
      assertThat(lines.next().textValue()).isEqualTo("a");
      assertThat(lines.next().textValue()).isEqualTo("b");

      CompletableFuture<Boolean> blocked = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  blocked.complete(lines.hasNext());
                } catch (RuntimeException e) {
                  blocked.completeExceptionally(e);
                }
              },
              "blocked-reader");
      reader.start();
      awaitBlockedInRead(reader);
      lines.close();

      assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("--input-file inputs was closed before its end");
      assertThat(lines.failure()).isEmpty();
      assertThatThrownBy(
              () -> {
                writer.write("c\n".getBytes(StandardCharsets.UTF_8));
                writer.flush();
              })
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Broken pipe");
    }
  }

  /** Waits until the thread is inside the native read of its channel. */
  private static void awaitBlockedInRead(Thread thread) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (Arrays.stream(thread.getStackTrace())
        .noneMatch(frame -> frame.getMethodName().startsWith("read0"))) {
      assertThat(System.nanoTime()).as("the reader blocks in read").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
