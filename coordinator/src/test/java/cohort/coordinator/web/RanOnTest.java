package cohort.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a job's inputs ran, counted from its job log as the log grows, is cut, or is missing. */
class RanOnTest {

  private static String row(long seq, String host, String outcome) {
    return seq
        + "\t"
        + host
        + "\t1796191535.013\t     0.101\t3\t3\t0\t0\t100\t1\t"
        + outcome
        + "\n";
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Tests that rows are counted by node and outcome, each once, across updates and cut lines. */
  @Test
  void countsEachRowOnceAsTheLogGrows(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("j-1.joblog");
    RanOn ranOn = new RanOn();
    assertThat(ranOn.update(log)).as("no log yet").isEmpty();

    append(log, row(1, "a:1", "ok") + row(2, "b:2", "ok"));
    String third = row(3, "a:1", "cohort.InputError");
    append(log, third.substring(0, 10));
    assertThat(ranOn.update(log))
        .isEqualTo(Map.of("a:1", new RanOn.Count(1, 0), "b:2", new RanOn.Count(1, 0)));

    append(log, third.substring(10) + row(4, "a:1", "quarantined"));
    assertThat(ranOn.update(log))
        .isEqualTo(Map.of("a:1", new RanOn.Count(1, 2), "b:2", new RanOn.Count(1, 0)));
    assertThat(ranOn.update(log)).as("nothing new").containsEntry("a:1", new RanOn.Count(1, 2));
  }

  /** Tests that a log cut shorter (a restart keeps fewer rows) is counted again from its start. */
  @Test
  void aCutLogIsCountedAgain(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("j-1.joblog");
    RanOn ranOn = new RanOn();
    append(log, row(1, "a:1", "ok") + row(2, "a:1", "ok") + row(3, "b:2", "ok"));
    ranOn.update(log);
    Files.writeString(log, row(1, "a:1", "ok"));
    assertThat(ranOn.update(log)).isEqualTo(Map.of("a:1", new RanOn.Count(1, 0)));
  }
}
