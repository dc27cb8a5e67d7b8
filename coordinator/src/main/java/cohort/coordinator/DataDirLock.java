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
 */
final class DataDirLock implements AutoCloseable {

  static final String FILE = "coordinator.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
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
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      return new DataDirLock(channel, lock);
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
