package cohort.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The one benchmark run CI makes, so the harness cannot rot: case 1 at smoke size, with a real
 * two-node cluster and (where Python runs) the {@code Pool.map} peer, writing its page and chart.
 * It checks that the harness works, not how fast anything is.
 */
class BenchSmokeIT {

  @TempDir Path out;

  @Test
  @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
  void caseOneRunsAndWritesItsPageAndChart() throws Exception {
    Path page = out.resolve("benchmarks.md");

    int exit =
        new CommandLine(new Bench()).execute("--smoke", "--cases", "1", "--out", page.toString());

    assertEquals(0, exit, "the smoke run failed; its clusters' logs are in bench/target/logs");
    String markdown = Files.readString(page);
    assertTrue(
        Pattern.compile("\\| Cohort, 2 nodes \\| tasks/s \\| [0-9,]+ \\|").matcher(markdown).find(),
        "no Cohort figure for case 1 in:\n" + markdown);
    assertTrue(
        markdown.contains("`bench/run.sh --smoke --cases 1"),
        "the page does not name its command:\n" + markdown);
    Path chart = out.resolve("benchmarks.png");
    assertTrue(Files.size(chart) > 1_000, "the chart " + chart + " is empty");
    byte[] magic = Files.readAllBytes(chart);
    assertEquals((byte) 0x89, magic[0], "the chart is not a PNG");
    assertEquals('P', magic[1]);
  }

  @Test
  void unknownCaseIsAUsageError() {
    int exit =
        new CommandLine(new Bench())
            .execute("--cases", "99", "--out", out.resolve("x.md").toString());
    assertEquals(2, exit);
  }
}
