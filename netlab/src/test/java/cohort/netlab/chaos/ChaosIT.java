package cohort.netlab.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.netlab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chaos run, short: half a minute of random node kills, freezes, drains, link cuts and
 * coordinator restarts under jobs of every kind, with nothing lost, duplicated or wrong. The long
 * run is {@code bench/chaos.sh} (ten minutes).
 */
class ChaosIT {

  /** Tests that half a minute of chaos loses, duplicates and miscounts nothing. */
  @Test
  void halfAMinuteOfChaosLosesNothing() throws Exception {
    Optional<String> why = Lab.unavailable();
    why.ifPresent(reason -> System.err.println("netlab: skipping the chaos run: " + reason));
    Assumptions.assumeTrue(why.isEmpty(), () -> "no network lab here: " + why.orElse(""));
    Path dir =
        Files.createTempDirectory(
            Files.createDirectories(Path.of(System.getProperty("cohort.it.logs"), "ChaosIT")),
            "run-");
    Settings settings =
        new Settings(
            30,
            3,
            3,
            System.nanoTime(),
            System.getProperty("cohort.jar"),
            dir,
            Optional.of(dir.resolve("chaos.md")));
    Tally.Totals totals = ChaosRun.run(settings);
    assertThat(totals.jobCount()).isPositive();
    assertThat(totals.lost()).as("results lost").isZero();
    assertThat(totals.duplicated()).as("results duplicated").isZero();
    assertThat(totals.wrong()).as("wrong outputs").isZero();
    assertThat(totals.wrongCombined()).as("wrong combined values").isZero();
    assertThat(totals.unfinished()).as("jobs that did not end").isZero();
  }
}
