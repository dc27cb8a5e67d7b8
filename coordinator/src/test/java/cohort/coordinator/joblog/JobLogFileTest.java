package cohort.coordinator.joblog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.coordinator.job.Origin;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLogFileTest {

  @TempDir Path dir;

  private static ResultBlock block(long first, int count) {
    Values values = Values.range(first, count);
    return new ResultBlock(first, values, values, Map.of(), new Origin("h:1", 1, Instant.EPOCH, 0));
  }

  /** Reads the whole log, with input 5 skipped as a resumed job skips inputs. */
  private static String read(Path log, long total, String missing) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (JobLogReader reader = JobLogReader.open(log, total, missing, index -> index == 5)) {
      for (byte[] chunk = reader.next(); chunk != null; chunk = reader.next()) {
        text.write(chunk);
      }
    }
    return text.toString(StandardCharsets.UTF_8);
  }

  private static long seqOf(String line) {
    return JobLogRow.indexOf(line) + 1;
  }

  /** Tests that the log sits beside the result log, named after the job. */
  @Test
  void besideTheResultLog() {
    assertThat(JobLogFile.beside(dir.resolve("job-1.ndjson")))
        .isEqualTo(dir.resolve("job-1.joblog"));
  }

  /**
   * Tests that a reopened log keeps the rows of the kept results only, and that a job's end gives
   * the inputs without a row theirs, except those a resumed job skipped (here input 5).
   */
  @Test
  void reopenedLogIsCutToTheKeptResults() throws IOException {
    Path log = dir.resolve("j.ndjson");
    try (JobLogFile file = JobLogFile.openAt(log, 0)) {
      file.write(block(3, 2));
      file.write(block(0, 1));
    }
    try (JobLogFile file = JobLogFile.openAt(log, 2)) {
      file.write(block(1, 1));
    }

    String text = read(log, 6, JobLogRow.CANCELLED);
    String[] lines = text.split("\n");
    assertThat(lines[0]).isEqualTo(JobLogRow.HEADER.strip());
    assertThat(java.util.Arrays.stream(lines).skip(1).mapToLong(JobLogFileTest::seqOf))
        .containsExactly(4L, 5L, 2L, 1L, 3L);
    assertThat(lines[3]).endsWith("\tok");
    assertThat(lines[4]).isEqualTo("1\t-\t0.000\t     0.000\t0\t0\t-1\t0\t\t0\tcancelled");
  }

  /** Tests that a running job's log holds the rows so far and no more, a half row left out. */
  @Test
  void runningJobShowsWholeRowsSoFar() throws IOException {
    Path log = dir.resolve("j.ndjson");
    try (JobLogFile file = JobLogFile.openAt(log, 0)) {
      file.write(block(0, 2));
    }
    Files.writeString(JobLogFile.beside(log), "3\th:1\t", java.nio.file.StandardOpenOption.APPEND);

    assertThat(read(log, 10, null).split("\n")).hasSize(3);
  }

  /** Tests that results without a job log (an older coordinator wrote them) are said plainly. */
  @Test
  void resultsWithoutJobLog() throws IOException {
    Path log = dir.resolve("old.ndjson");
    Files.writeString(log, "results");

    assertThatThrownBy(() -> read(log, 1, JobLogRow.NEVER_RUN))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no job log");
    assertThat(read(dir.resolve("new.ndjson"), 1, JobLogRow.NEVER_RUN)).contains("never run");
  }
}
