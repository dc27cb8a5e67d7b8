package cohort.coordinator.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.TaskError;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A result log read back to its journaled mark, as a restarted coordinator reads it. */
class ResultLogScanTest {

  private static ResultBlock block(long first, int count) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(LongNode.valueOf(first + i));
    }
    return new ResultBlock(first, Values.of(values), Values.of(values), Map.of());
  }

  /** Writes the blocks as frames; returns the length after each. */
  private static long[] write(Path log, ResultBlock... blocks) throws IOException {
    ResultFrameWriter writer = new ResultFrameWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] ends = new long[blocks.length];
    for (int i = 0; i < blocks.length; i++) {
      writer.write(blocks[i], out);
      ends[i] = out.size();
    }
    Files.write(log, out.toByteArray());
    return ends;
  }

  /**
   * Tests that an unordered job's log gives its done inputs as runs with the gaps where work was in
   * flight, and the sum of exactly the results up to the mark: a frame written after the mark
   * (never journaled) counts for nothing, and truncating removes it.
   */
  @Test
  void readsUpToTheMarkAndCutsTheRest(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("j-1.ndjson");
    ResultBlock failed =
        ResultBlock.failed(
            9,
            Values.of(List.of(LongNode.valueOf(9))),
            new TaskError("Boom", "no", "n1", 1, ""),
            cohort.coordinator.job.Origin.UNKNOWN);
    long[] ends = write(log, block(0, 4), block(6, 3), failed, block(4, 1), block(20, 5));

    ResultLogScan.Scanned scanned = ResultLogScan.scan(log, ends[3], Combiner.parse("sum"));

    assertThat(scanned.done().count()).isEqualTo(9);
    assertThat(scanned.done().prefix()).isEqualTo(5);
    assertThat(scanned.done().end()).isEqualTo(10);
    assertThat(scanned.done().gaps()).containsExactly(new long[] {5, 6});
    assertThat(scanned.tally().succeeded()).isEqualTo(8);
    assertThat(scanned.tally().failed()).isEqualTo(1);
    assertThat(scanned.tally().combined().longValue()).isEqualTo(0 + 1 + 2 + 3 + 6 + 7 + 8 + 4);

    ResultLogScan.truncate(log, ends[3]);
    assertThat(Files.size(log)).isEqualTo(ends[3]);
    assertThat(ResultLogScan.scan(log, ends[3], null).done().count()).isEqualTo(9);
  }

  /** Tests that a log shorter than its mark, or cut inside a frame, is damaged, by name. */
  @Test
  void aLogThatDoesNotReachItsMarkIsDamaged(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("j-2.ndjson");
    long[] ends = write(log, block(0, 10), block(10, 10));
    assertThatThrownBy(() -> ResultLogScan.scan(log, ends[1] + 1, null))
        .hasMessageStartingWith("the result log " + log + " is damaged (it has " + ends[1])
        .hasMessageContaining("restore the data folder from a backup");
    assertThatThrownBy(() -> ResultLogScan.scan(log, ends[0] + 3, null))
        .hasMessageStartingWith(
            "the result log " + log + " is damaged (a frame's length is cut at byte ");
    assertThatThrownBy(() -> ResultLogScan.scan(log, ends[0] + 9, null))
        .hasMessageStartingWith(
            "the result log " + log + " is damaged (a frame ends at byte " + ends[1]);
    Files.write(log, new byte[] {(byte) 0x7f, 0, 0, 0, 1, 2}, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> ResultLogScan.scan(log, ends[1] + 6, null))
        .hasMessageContaining("a frame of 2130706432 bytes at byte " + ends[1]);
    assertThat(ResultLogScan.scan(dir.resolve("none.ndjson"), 0, null).done().count()).isZero();
  }

  /**
   * Tests that the counters the released blocks added are kept in their frames and rebuilt from the
   * log up to its mark: a frame after the mark (never journaled) counts for nothing, and the frames
   * still read as results.
   */
  @Test
  void rebuildsCountersUpToTheMark(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("j-2.ndjson");
    ResultBlock first = counted(block(0, 3), Map.of("seen", 3L, "sum", 3L));
    ResultBlock plain = block(3, 2);
    ResultBlock late = counted(block(5, 2), Map.of("seen", 2L, "other", 1L));
    long[] ends = write(log, first, plain, late);

    ResultLogScan.Scanned kept = ResultLogScan.scan(log, ends[1], null);
    assertThat(kept.tally().delivered()).isEqualTo(5);
    assertThat(kept.tally().counters().asMap())
        .containsExactly(Map.entry("seen", 3L), Map.entry("sum", 3L));

    ResultLogScan.Scanned all = ResultLogScan.scan(log, ends[2], null);
    assertThat(all.tally().counters().asMap())
        .containsExactly(Map.entry("other", 1L), Map.entry("seen", 5L), Map.entry("sum", 3L));
    try (java.io.InputStream in = Files.newInputStream(log)) {
      List<cohort.api.Result> results = new ArrayList<>();
      cohort.api.ResultFrames.read(in).forEachRemaining(results::add);
      assertThat(results)
          .extracting(cohort.api.Result::index)
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    }
  }

  private static ResultBlock counted(ResultBlock block, Map<String, Long> counters) {
    return new ResultBlock(
        block.firstIndex(),
        block.inputs(),
        block.outputs(),
        block.errors(),
        block.origin(),
        cohort.coordinator.job.Counters.of(counters));
  }
}
