package cohort.node.broadcast;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The folder of a node's broadcast cache: the first numbered folder under a base ({@code base/1},
 * {@code base/2}, ...) that no other running node holds, held by a lock on its {@code .lock} file
 * while this JVM runs. So every node owns its cache (it may delete what it evicts), and a node that
 * starts again on the machine finds the broadcasts an earlier one kept.
 */
public final class CacheFolder {

  /** Numbered folders tried at most: more nodes than this on one machine is a mistake. */
  static final int MAX_FOLDERS = 256;

  private CacheFolder() {}

  /**
   * Claims a folder under {@code base}, making it (owner-only) when missing.
   *
   * @throws IOException when none can be claimed, saying why
   */
  public static Path claim(Path base) throws IOException {
    createOwnerOnly(base);
    for (int n = 1; n <= MAX_FOLDERS; n++) {
      Path folder = base.resolve(Integer.toString(n));
      Files.createDirectories(folder);
      FileChannel channel =
          FileChannel.open(
              folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this JVM already: another node in the same process
      }
      if (lock != null) {
        return folder; // the channel stays open, and the lock held, until the JVM exits
      }
      channel.close();
    }
    throw new IOException(
        "every broadcast cache folder under "
            + base
            + " (1 to "
            + MAX_FOLDERS
            + ") is held by a running node; give this node its own cohort.node.broadcast-cache");
  }

  private static void createOwnerOnly(Path base) throws IOException {
    if (Files.isDirectory(base)) {
      return;
    }
    Files.createDirectories(base);
    try {
      Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the files are checked against their digests anyway.
    }
  }
}
