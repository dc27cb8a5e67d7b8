package cohort.node.tasks;

import cohort.task.FileRef;
import cohort.task.TaskContext;

/** Task contexts for running a task alone in a unit test, outside any node. */
public final class TestContexts {

  private TestContexts() {}

  /** A context whose files all read as {@code bytes}; null means tasks must not read files. */
  public static TaskContext reading(byte[] bytes) {
    return new TaskContext() {
      public String jobId() {
        return "j";
      }

      public long index() {
        return 0;
      }

      public int attempt() {
        return 1;
      }

      public String node() {
        return "n";
      }

      public boolean isCancelled() {
        return false;
      }

      public byte[] read(FileRef file) {
        if (bytes == null) {
          throw new UnsupportedOperationException("this test's task reads no files");
        }
        return bytes;
      }
    };
  }
}
