package cohort.coordinator.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Copies of the data folder's files that must outlive the coordinator (result logs, input files,
 * blobs), kept where another coordinator can read them: with a journal in a shared database, in
 * that database, so that a standby on another machine takes over with nothing but the database.
 * Each call writes through before it returns; callers run them off the actor threads, in the order
 * the files change, and journal what they kept only after.
 */
public interface FileReplica {

  /** Whether files are copied at all. */
  boolean active();

  /**
   * Keeps {@code bytes} as the part of {@code file} that starts at {@code offset}, dropping all
   * that was kept from {@code offset} on.
   */
  void write(Path file, long offset, byte[] bytes) throws IOException;

  /** Keeps the whole of {@code file} as it is now, in place of what was kept of it. */
  void copy(Path file) throws IOException;

  /** Keeps only the first {@code length} bytes of {@code file}. */
  void cut(Path file, long length) throws IOException;

  /** Forgets {@code file}. */
  void delete(Path file) throws IOException;

  /** Forgets every file in {@code folder} and below. */
  void deleteFolder(Path folder) throws IOException;

  /** No copies: the data folder is all there is. */
  FileReplica NONE =
      new FileReplica() {
        @Override
        public boolean active() {
          return false;
        }

        @Override
        public void write(Path file, long offset, byte[] bytes) {}

        @Override
        public void copy(Path file) {}

        @Override
        public void cut(Path file, long length) {}

        @Override
        public void delete(Path file) {}

        @Override
        public void deleteFolder(Path folder) {}
      };
}
