package cohort.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data folder's lock: one holder at a time, and how the last one ended. */
class DataDirLockTest {

  /**
   * Tests that a new folder counts as stopped cleanly, that a holder that lets go without marking a
   * clean stop (as a killed one would) is taken for a crash, and that a marked stop is clean.
   */
  @Test
  void theLockTellsWhetherTheLastHolderStoppedCleanly(@TempDir Path dir) throws Exception {
    DataDirLock first = DataDirLock.acquire(dir);
    assertThat(first.lastHolderStoppedCleanly()).isTrue();
    assertThat(Files.readString(dir.resolve(DataDirLock.FILE)).strip())
        .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    first.close();

    DataDirLock second = DataDirLock.acquire(dir);
    assertThat(second.lastHolderStoppedCleanly()).isFalse();
    second.markStoppedCleanly();
    second.close();

    DataDirLock third = DataDirLock.acquire(dir);
    assertThat(third.lastHolderStoppedCleanly()).isTrue();
    third.close();
  }

  /** Tests that a second holder is refused with a message naming the holder's process. */
  @Test
  void aHeldFolderIsRefused(@TempDir Path dir) {
    DataDirLock held = DataDirLock.acquire(dir);
    try {
      assertThatThrownBy(() -> DataDirLock.acquire(dir))
          .hasMessageContaining("is in use by another coordinator")
          .hasMessageContaining("process " + ProcessHandle.current().pid());
    } finally {
      held.close();
    }
  }
}
