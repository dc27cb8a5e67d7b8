package cohort.coordinator;

import cohort.coordinator.journal.H2JournalFile;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder of a coordinator JVM with its journal in H2: held by this coordinator alone, its
 * journal repaired when the last holder did not stop cleanly, and closed, the clean stop recorded,
 * when this one stops.
 */
final class HeldDataFolder {

  private static final Logger LOG = LoggerFactory.getLogger(HeldDataFolder.class);

  private final Path dir;
  private final DataDirLock lock;
  private boolean repaired;

  private HeldDataFolder(Path dir, DataDirLock lock) {
    this.dir = dir;
    this.lock = lock;
  }

  /**
   * Takes {@code dir} for this coordinator.
   *
   * @throws IllegalStateException when another coordinator holds it
   */
  static HeldDataFolder take(Path dir) {
    return new HeldDataFolder(dir, DataDirLock.acquire(dir));
  }

  /** Rebuilds the journal if the last holder left it open; call before anything opens it. */
  void repairJournal() {
    H2JournalFile.repairAfter(lock.lastHolderStoppedCleanly(), dir);
    repaired = true;
  }

  /**
   * Lets the folder go after a start that failed; a journal repaired, or closed cleanly before,
   * stays recorded so once this start has closed it.
   */
  void startFailed() {
    if (repaired) {
      closeJournal();
    }
    lock.close();
  }

  /** At the end of {@code system}'s clean stop, closes the journal and lets the folder go. */
  void closeAtShutdown(ActorSystem<?> system) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseActorSystemTerminate(),
            "close-data-folder",
            () ->
                CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        closeJournal();
                      } finally {
                        lock.close();
                      }
                      return Done.getInstance();
                    },
                    blocking));
  }

  /** Closes the journal and records the clean stop; a failure leaves it to the next repair. */
  private void closeJournal() {
    try {
      H2JournalFile.close(dir);
      lock.markStoppedCleanly();
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot close the journal in {}; the next start repairs it: {}", dir, e.getMessage());
    }
  }
}
