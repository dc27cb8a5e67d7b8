package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.task.FileRef;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileTest {

  private static byte[] bytes(int size, int seed) {
    byte[] data = new byte[size];
    Arrays.fill(data, (byte) seed);
    data[0] = (byte) (seed * 7);
    return data;
  }

  /** The input a client makes for a file: its path and its fingerprint. */
  private static FileRef refOf(Path file) throws Exception {
    byte[] data = Files.readAllBytes(file);
    return new FileRef(
        "a.jpg",
        "job/c0",
        file.toString(),
        (long) data.length,
        Files.getLastModifiedTime(file).toMillis(),
        FileRef.headOf(ByteBuffer.wrap(data)));
  }

  /** Tests that a node that holds the client's file reads it in place, into the given buffer. */
  @Test
  void readsTheSameFileInPlace(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("a.jpg"), bytes(100_000, 3));
    ByteBuffer buffer = ByteBuffer.allocateDirect(200_000);
    ByteBuffer read = LocalFile.read(refOf(file), buffer).orElseThrow();
    assertThat(read).isSameAs(buffer);
    byte[] got = new byte[read.limit()];
    read.get(0, got);
    assertThat(got).isEqualTo(Files.readAllBytes(file));
    // A file larger than the buffer comes in a new one.
    assertThat(LocalFile.read(refOf(file), ByteBuffer.allocateDirect(10)).orElseThrow().limit())
        .isEqualTo(100_000);
  }

  /**
   * Tests that a node refuses its own file when it is not the client's: missing, another size, a
   * later modification time, or other first bytes with the same size and time (a different copy).
   */
  @Test
  void refusesAFileThatIsNotTheClients(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("a.jpg"), bytes(100_000, 3));
    FileRef client = refOf(file);
    FileTime time = Files.getLastModifiedTime(file);

    Files.write(file, bytes(100_001, 3));
    Files.setLastModifiedTime(file, time);
    assertThat(LocalFile.read(client, null)).as("another size").isEmpty();

    Files.write(file, bytes(100_000, 3));
    Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 1000));
    assertThat(LocalFile.read(client, null)).as("modified since").isEmpty();

    Files.write(file, bytes(100_000, 4));
    Files.setLastModifiedTime(file, time);
    assertThat(LocalFile.read(client, null)).as("other bytes, same size and time").isEmpty();

    Files.write(file, bytes(100_000, 3));
    Files.setLastModifiedTime(file, time);
    assertThat(LocalFile.read(client, null)).as("the client's file again").isPresent();

    Files.delete(file);
    assertThat(LocalFile.read(client, null)).as("missing").isEmpty();
    Files.createDirectory(file);
    assertThat(LocalFile.read(client, null)).as("a folder").isEmpty();
  }

  /** Tests that a node whose check fails, or that does not read in place, fetches the blob. */
  @Test
  void aNodeThatFailsTheCheckFetchesTheBytes(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("a.jpg"), bytes(1000, 3));
    FileRef client = refOf(file);
    assertThat(new FileInputs(true).read(client)).isEqualTo(Files.readAllBytes(file));
    // No coordinator here: a node that goes to fetch says so, rather than read its copy.
    Files.write(file, bytes(1000, 5));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FileInputs(true).read(client))
        .hasMessageContaining("the coordinator has not said where it serves files yet");
    FileRef same = refOf(file);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FileInputs(false).read(same))
        .hasMessageContaining("the coordinator has not said where it serves files yet");
  }
}
