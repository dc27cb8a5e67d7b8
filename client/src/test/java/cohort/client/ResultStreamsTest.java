package cohort.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ResultStreamsTest {

  /** Bytes that read as {@code text}, then fail as a broken connection does. */
  private static InputStream breaksAfter(String text, AtomicBoolean closed) {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
    return new SequenceInputStream(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), broken);
  }

  /**
   * Tests that lines come one at a time as they arrive, that a read failing midway surfaces as the
   * caller's exception after the lines before it, and that closing the stream closes the bytes.
   */
  @Test
  void linesUpToABreakThenTheCallersError() {
    AtomicBoolean closed = new AtomicBoolean();
    Stream<String> lines =
        ResultStreams.lines(
            breaksAfter("{\"index\":0}\n{\"index\":1}\n", closed),
            e -> new IllegalStateException("job j broke: " + e.getMessage()));
    Iterator<String> each = lines.iterator();
    assertThat(each.next()).isEqualTo("{\"index\":0}");
    assertThat(each.next()).isEqualTo("{\"index\":1}");
    assertThatThrownBy(each::hasNext)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("job j broke: connection reset");
    lines.close();
    assertThat(closed).isTrue();
  }

  /** Tests that framed results broken midway surface as the caller's exception too. */
  @Test
  void resultsBrokenMidwayRaiseTheCallersError() {
    AtomicBoolean closed = new AtomicBoolean();
    // A frame's length says 100 bytes, and the connection breaks after 3 of them.
    InputStream cut =
        new SequenceInputStream(
            new ByteArrayInputStream(new byte[] {0, 0, 0, 100, 1, 2, 3}), breaksAfter("", closed));
    try (Stream<cohort.api.Result> results =
        ResultStreams.results(cut, e -> new IllegalStateException("broke: " + e.getMessage()))) {
      assertThatThrownBy(() -> results.iterator().hasNext())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("broke: ");
    }
    assertThat(closed).isTrue();
  }
}
