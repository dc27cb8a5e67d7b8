package cohort.coordinator.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout of a data folder, named in its {@code FORMAT} file: a coordinator reads only folders
 * of the layout it writes, and says so plainly about any other, rather than start with no jobs or
 * misread them.
 */
public final class DataFormat {

  /** The file that names the layout. */
  static final String FILE = "FORMAT";

  /** The layout this coordinator writes: a journal, inputs beside it, result logs of frames. */
  static final String CURRENT = "cohort data folder 1";

  private DataFormat() {}

  /**
   * Checks that {@code dir} holds this coordinator's layout, or nothing yet, and marks a new one.
   *
   * @throws IllegalStateException when another version of Cohort wrote the folder
   */
  public static void check(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String found = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!found.equals(CURRENT)) {
          throw new IllegalStateException(
              "the data folder "
                  + dir
                  + " was written by another version of Cohort (its FORMAT file says '"
                  + found
                  + "'; this coordinator reads '"
                  + CURRENT
                  + "'): run the version that wrote it, or give this one a new folder with"
                  + " --data-dir");
        }
        return;
      }
      Files.writeString(file, CURRENT + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }
}
