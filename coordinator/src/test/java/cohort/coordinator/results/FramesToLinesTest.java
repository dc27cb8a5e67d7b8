package cohort.coordinator.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.coordinator.job.ResultBlock;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Result frames read in chunks that cut them anywhere still give each line once, whole. */
class FramesToLinesTest {

  /** Tests that every cut of a log of three frames into two chunks gives the same lines. */
  @Test
  void aFrameCutAnywhereRendersOnce() throws Exception {
    byte[] log = frames(block(0, 2, "a"), block(2, 1, "b"), block(3, 3, "c"));
    String whole = new String(new FramesToLines().feed(ByteString.fromArray(log)).toArray());
    assertThat(whole.split("\n")).hasSize(6);
    assertThat(whole).startsWith("{\"index\":0,\"input\":0,\"output\":\"a0\"}\n");
    for (int cut = 0; cut <= log.length; cut++) {
      FramesToLines lines = new FramesToLines();
      ByteString first = lines.feed(ByteString.fromArray(log, 0, cut));
      ByteString second = lines.feed(ByteString.fromArray(log, cut, log.length - cut));
      assertThat(first.concat(second).utf8String()).as("cut at %d", cut).isEqualTo(whole);
      assertThat(lines.pending()).isFalse();
    }
  }

  /** Tests that a frame larger than many chunks, fed 1 KiB at a time, renders when it completes. */
  @Test
  void aLargeFrameWaitsForItsLastChunk() throws Exception {
    String big = "x".repeat(300_000);
    byte[] log =
        frames(new ResultBlock(7, ints(7, 1), Values.of(List.of(TextNode.valueOf(big))), Map.of()));
    FramesToLines lines = new FramesToLines();
    StringBuilder out = new StringBuilder();
    int chunks = 0;
    for (int at = 0; at < log.length; at += 1024) {
      ByteString rendered =
          lines.feed(ByteString.fromArray(log, at, Math.min(1024, log.length - at)));
      if (!rendered.isEmpty()) {
        chunks++;
        out.append(rendered.utf8String());
      }
    }
    assertThat(chunks).isEqualTo(1);
    assertThat(out.toString()).isEqualTo("{\"index\":7,\"input\":7,\"output\":\"" + big + "\"}\n");
  }

  /** Tests that a length no frame can have is refused with a message about the file. */
  @Test
  void aDamagedLengthIsRefused() {
    byte[] damaged = {(byte) 0xff, 0, 0, 0, 1, 2, 3};
    assertThatThrownBy(() -> new FramesToLines().feed(ByteString.fromArray(damaged)))
        .hasMessageContaining("the file is damaged");
  }

  private static ResultBlock block(long first, int count, String prefix) {
    List<JsonNode> outputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      outputs.add(TextNode.valueOf(prefix + (first + i)));
    }
    return new ResultBlock(first, ints(first, count), Values.of(outputs), Map.of());
  }

  private static Values ints(long first, int count) {
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inputs.add(IntNode.valueOf((int) first + i));
    }
    return Values.of(inputs);
  }

  private static byte[] frames(ResultBlock... blocks) throws Exception {
    ResultFrameWriter writer = new ResultFrameWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ResultBlock block : blocks) {
      writer.write(block, out);
    }
    return out.toByteArray();
  }
}
