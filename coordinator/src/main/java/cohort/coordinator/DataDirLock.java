package cohort.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A data folder held by one coordinator: a lock on {@code coordinator.lock} in it, which the
 * operating system releases however the coordinator ends, and which names the holder's process. Two
 * coordinators writing one folder's result logs and journal would corrupt both.
 *
 * <p>The file also tells how the last holder ended: it names the holder while held, and is emptied
 * by {@link #markStoppedCleanly} once the holder has closed what it had open, so a file that still
 * names a process says that process was killed or crashed.
 */
final class DataDirLock implements AutoCloseable {

  static final String FILE = "coordinator.lock";

  private final FileChannel channel;
  private final FileLock lock;
  private final boolean cleanBefore;

  private DataDirLock(FileChannel channel, FileLock lock, boolean cleanBefore) {
    this.channel = channel;
    this.lock = lock;
    this.cleanBefore = cleanBefore;
  }

  /**
   * Takes {@code dir} for this coordinator.
   *
   * @throws IllegalStateException when another coordinator holds it, naming its process
   */
  static DataDirLock acquire(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw new IllegalStateException(
            "the data folder "
                + dir
                + " is in use by another coordinator"
                + (holder.isEmpty() ? "" : " (process " + holder + ")")
                + ": stop it, or give this coordinator a folder of its own with --data-dir");
      }
      boolean cleanBefore = channel.size() == 0;
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      return new DataDirLock(channel, lock, cleanBefore);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot take the data folder " + dir + " (" + file + "): " + e.getMessage(), e);
    }
  }

  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
  }

  /**
   * Whether the coordinator that held the folder before marked it stopped cleanly; true for a new
   * folder.
   */
  boolean lastHolderStoppedCleanly() {
    return cleanBefore;
  }

  /**
   * Records that this holder has closed what it had open in the folder; call last, just before
   * {@link #close}. Failing to record it only costs the next coordinator a repair.
   */
  void markStoppedCleanly() {
    try {
      channel.truncate(0);
      channel.force(true);
    } catch (IOException e) {
      // The next coordinator takes the stop for a crash, and repairs what needs it.
    }
  }

  /** Lets the folder go. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The process ends next; the operating system lets the lock go then.
    }
  }
}
