package cohort.coordinator.results;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.Result;
import cohort.api.ResultFrames;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's results read from the N-th on, as a client that lost its stream asks for them: the reader
 * starts at the frame that holds that result, and leaves out that frame's earlier lines.
 */
class ResultsFromTest {

  private static ActorTestKit testKit;
  private static Executor blocking;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    blocking = testKit.system().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ResultBlock block(long first, int count) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(LongNode.valueOf(first + i));
    }
    return new ResultBlock(first, Values.of(values), Values.of(values), Map.of());
  }

  /** A complete log of unordered results: frames of inputs 7-9, 0-1 and 2-5. */
  private static ResultLog log(Path dir, long[] ends) throws Exception {
    ResultFrameWriter writer = new ResultFrameWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultBlock[] blocks = {block(7, 3), block(0, 2), block(2, 4)};
    for (int i = 0; i < blocks.length; i++) {
      writer.write(blocks[i], out);
      ends[i] = out.size();
    }
    Path file = dir.resolve("j.ndjson");
    Files.write(file, out.toByteArray());
    return ResultLog.complete(file, out.size(), null);
  }

  private static byte[] read(org.apache.pekko.stream.javadsl.Source<ByteString, ?> source)
      throws Exception {
    return source
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .toArray();
  }

  /**
   * Tests where readers start: at a frame's first result, inside a frame, at the end, and beyond
   * what the log holds.
   */
  @Test
  void startsAtTheFrameThatHoldsTheResult(@TempDir Path dir) throws Exception {
    long[] ends = new long[3];
    ResultLog log = log(dir, ends);
    assertThat(log.startAt(0)).isEqualTo(ResultLog.Start.FIRST);
    assertThat(log.startAt(3)).isEqualTo(new ResultLog.Start(ends[0], 3, 0));
    assertThat(log.startAt(4)).isEqualTo(new ResultLog.Start(ends[0], 3, 1));
    assertThat(log.startAt(6)).isEqualTo(new ResultLog.Start(ends[1], 5, 1));
    assertThat(log.startAt(9)).isEqualTo(new ResultLog.Start(ends[2], 9, 0));
    assertThat(log.startAt(12)).isEqualTo(new ResultLog.Start(ends[2], 9, 3));
  }

  /**
   * Tests that JSON lines from the 4th on are exactly the results after the first four, in the
   * log's order, and that frames start whole at the frame that holds the 4th.
   */
  @Test
  void linesStartAtTheResultAndFramesAtItsFrame(@TempDir Path dir) throws Exception {
    long[] ends = new long[3];
    ResultLog log = log(dir, ends);
    String lines = new String(read(log.jsonLines(blocking, log.startAt(4))));
    List<Long> indexes = new ArrayList<>();
    for (String line : lines.split("\n")) {
      indexes.add(Long.parseLong(line.replaceAll(".*\"index\":(\\d+).*", "$1")));
    }
    assertThat(indexes).containsExactly(1L, 2L, 3L, 4L, 5L);

    Iterator<Result> frames =
        ResultFrames.read(new ByteArrayInputStream(read(log.source(blocking, log.startAt(4)))));
    List<Long> framed = new ArrayList<>();
    frames.forEachRemaining(result -> framed.add(result.index()));
    assertThat(framed).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
  }
}
