package cohort.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps {@code bench/run.sh --scale} working: one short run at 10 simulated nodes against the real
 * coordinator, writing its table. It checks that the benchmark runs, not how fast anything is.
 */
class ScaleOnPaperIT {

  @TempDir Path out;

  /** Tests that a run at 10 nodes ends, with every part measured, and writes its row. */
  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void tenNodesRunAndWriteTheirRow() throws Exception {
    Path page = out.resolve("scale.md");

    int exit =
        new CommandLine(new ScaleOnPaper())
            .execute(
                "--nodes",
                "10",
                "--rounds",
                "1",
                "--warmup",
                "1s",
                "--window",
                "1s",
                "--changes",
                "2",
                "--no-jit-warmup",
                "--out",
                page.toString());

    assertEquals(0, exit, "the scale benchmark failed; its output is above");
    String markdown = Files.readString(page);
    assertTrue(
        Pattern.compile("\\| 10 \\| 160 \\| [0-9.]+ µs \\|").matcher(markdown).find(),
        "no row for 10 nodes in:\n" + markdown);
  }
}
