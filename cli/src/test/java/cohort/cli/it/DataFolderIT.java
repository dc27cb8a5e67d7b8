package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator's data folder belongs to it alone. */
class DataFolderIT {

  /** A coordinator on free ports and the data folder {@code data}. */
  private static String[] coordinatorOn(Path data) {
    return new String[] {
      "coordinator", "--http-port", "0", "--cluster-port", "0", "--data-dir", data.toString()
    };
  }

  /**
   * Tests that a second coordinator on a folder another coordinator uses is refused at start, with
   * a message naming the folder, the other coordinator's process and the way out, and that the
   * folder can be used again once that coordinator has stopped.
   */
  @Test
  void aSecondCoordinatorOnTheSameFolderIsRefused(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    String[] coordinator = coordinatorOn(data);
    Cli.Running first = Cli.start(coordinator);
    try {
      first.awaitStdoutLine("cohort coordinator ready", Duration.ofSeconds(60));

      Cli.Run second = Cli.run(coordinator);

      assertThat(second.exitCode()).as(second.stderr()).isNotZero();
      assertThat(second.stderr())
          .contains(
              "the data folder "
                  + data
                  + " is in use by another coordinator (process "
                  + first.handle().pid()
                  + "): stop it, or give this coordinator a folder of its own with --data-dir")
          .doesNotContain("Exception");
    } finally {
      first.signal("TERM");
      first.await(Duration.ofSeconds(60));
    }
    Cli.Running again = Cli.start(coordinator);
    try {
      again.awaitStdoutLine("cohort coordinator ready", Duration.ofSeconds(60));
    } finally {
      again.signal("TERM");
      again.await(Duration.ofSeconds(60));
    }
  }

  /**
   * Tests that a folder another version of Cohort wrote, and a folder whose journal is damaged, are
   * refused at start with a message naming what is wrong and what to do, not started with no jobs.
   */
  @Test
  void aFolderOfAnotherVersionOrWithADamagedJournalIsRefused(@TempDir Path dir) throws Exception {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("FORMAT"), "cohort data folder 0\n");
    Cli.Run refused = Cli.run(coordinatorOn(other));
    assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains(
            "the data folder "
                + other
                + " was written by another version of Cohort (its FORMAT file says 'cohort data"
                + " folder 0'")
        .contains("give this one a new folder with --data-dir")
        .doesNotContain("Exception");

    Path damaged = Files.createDirectories(dir.resolve("damaged").resolve("journal"));
    byte[] garbage = new byte[64 * 1024];
    java.util.Arrays.fill(garbage, (byte) 0x5a);
    Files.write(damaged.resolve("cohort.mv.db"), garbage);
    Cli.Run broken = Cli.run(coordinatorOn(damaged.getParent()));
    assertThat(broken.exitCode()).as(broken.stderr()).isEqualTo(2);
    assertThat(broken.stderr())
        .contains("the journal in " + damaged.getParent() + " is damaged")
        .contains("move the folder away to start with no jobs, or restore it from a backup")
        .doesNotContain("Exception");
  }
}
