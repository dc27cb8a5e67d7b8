package cohort.coordinator.code;

import cohort.coordinator.journal.FileReplica;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A replica that notes the files it is asked to copy. */
final class RecordingReplica implements FileReplica {

  final List<Path> copied = new ArrayList<>();

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public void write(Path file, long offset, byte[] bytes) {}

  @Override
  public void copy(Path file) {
    copied.add(file);
  }

  @Override
  public void cut(Path file, long length) {}

  @Override
  public void delete(Path file) {}

  @Override
  public void deleteFolder(Path folder) {}
}
