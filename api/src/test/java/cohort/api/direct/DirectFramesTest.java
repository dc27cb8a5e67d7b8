package cohort.api.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.TaskError;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirectFramesTest {

  /** Tests that calls and replies read back as they were written, one after another. */
  @Test
  void framesReadBackInOrder() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    DirectCall call =
        new DirectCall(7, "scale", Map.of("factor", IntNode.valueOf(3)), IntNode.valueOf(5));
    DirectReply ok = new DirectReply(7, TextNode.valueOf("out"), null);
    DirectReply failed = new DirectReply(8, null, new TaskError("t", "why", "n:1", 1, null));
    DirectFrames.write(out, call);
    DirectFrames.write(out, ok);
    DirectFrames.write(out, failed);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(DirectFrames.read(in, DirectCall.class)).isEqualTo(call);
    assertThat(DirectFrames.read(in, DirectReply.class)).isEqualTo(ok);
    DirectReply back = DirectFrames.read(in, DirectReply.class);
    assertThat(back).isEqualTo(failed);
    assertThat(back.succeeded()).isFalse();
    assertThatThrownBy(() -> DirectFrames.read(in, DirectReply.class))
        .isInstanceOf(EOFException.class);
  }

  /** Tests that a JSON null output is an output, not a missing one. */
  @Test
  void nullIsAnOutput() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DirectFrames.write(
        new DataOutputStream(bytes), new DirectReply(1, JsonNodeFactory.instance.nullNode(), null));
    DirectReply back =
        DirectFrames.read(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), DirectReply.class);
    assertThat(back.succeeded()).isTrue();
  }

  /** Tests that an input over the limit is refused before it is sent, saying what to do. */
  @Test
  void aTooLargeInputIsRefused() {
    DirectCall call = new DirectCall(1, "echo", Map.of(), TextNode.valueOf("x".repeat(300_000)));
    assertThatThrownBy(
            () -> DirectFrames.write(new DataOutputStream(new ByteArrayOutputStream()), call))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 192 KiB")
        .hasMessageContaining("file input");
  }

  /**
   * Tests that a connection that does not open with the hello, or sends a wild length, is refused.
   */
  @Test
  void strangersAreRefused() {
    assertThatThrownBy(
            () ->
                DirectFrames.expectHello(new ByteArrayInputStream("GET / HTTP/1.1\r\n".getBytes())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not speak this version");
    byte[] wild = {0x7f, 0, 0, 0};
    assertThatThrownBy(
            () ->
                DirectFrames.read(
                    new DataInputStream(new ByteArrayInputStream(wild)), DirectCall.class))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not speak Cohort's direct calls");
  }
}
