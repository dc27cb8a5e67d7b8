package cohort.coordinator.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.code.CodeRef;
import cohort.api.code.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeStoreTest {

  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path dir;

  private final RecordingReplica replica = new RecordingReplica();

  private static List<Path> files(Path folder) throws Exception {
    try (Stream<Path> list = Files.list(folder)) {
      return list.sorted().toList();
    }
  }

  private String upload(CodeStore store, String text) throws Exception {
    Path part = Files.writeString(store.receiving(), text);
    String digest = Sha256.of(part);
    store.keep(digest, part);
    return digest;
  }

  /** Tests that an upload with the right digest is kept as code/SHA.jar and copied. */
  @Test
  void keepsJarUnderItsDigest() throws Exception {
    Path folder = dir.resolve("code");
    CodeStore store = new CodeStore(folder, replica);
    Path part = store.receiving();
    assertThat(part.getParent()).isEqualTo(folder);
    assertThat(part.getFileName().toString()).startsWith("upload-").endsWith(".part");
    Files.writeString(part, "abc");

    store.keep(ABC, part);

    Path jar = folder.resolve(ABC + ".jar");
    assertThat(jar).hasContent("abc");
    assertThat(part).doesNotExist();
    assertThat(files(folder)).containsExactly(jar);
    assertThat(store.jar(ABC)).contains(jar);
    assertThat(replica.copied).containsExactly(jar);
  }

  /** Tests that bytes with another digest are refused naming both, leaving nothing behind. */
  @Test
  void refusesWrongDigest() throws Exception {
    Path folder = dir.resolve("code");
    CodeStore store = new CodeStore(folder, replica);
    String claimed = "0".repeat(64);
    Path part = Files.writeString(store.receiving(), "abc");

    assertThatThrownBy(() -> store.keep(claimed, part))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the bytes sent have the SHA-256 "
                + ABC
                + ", not "
                + claimed
                + "; send the jar to PUT /code/ followed by its own digest");
    assertThat(files(folder)).isEmpty();
    assertThat(store.jar(claimed)).isEmpty();
    assertThat(store.jar(ABC)).isEmpty();
    assertThat(replica.copied).isEmpty();
  }

  /** Tests that missing lists the jars not kept, in the code's order. */
  @Test
  void missingListsAbsentJarsInOrder() throws Exception {
    CodeStore store = new CodeStore(dir.resolve("code"), replica);
    String kept = upload(store, "kept");
    String first = "1".repeat(64);
    String last = "2".repeat(64);

    assertThat(store.missing(CodeRef.of(List.of(last, kept, first)))).containsExactly(last, first);
    assertThat(store.missing(CodeRef.of(List.of(kept)))).isEmpty();
  }

  /** Tests that keeping the same jar twice leaves one file. */
  @Test
  void keepingTwiceLeavesOneJar() throws Exception {
    Path folder = dir.resolve("code");
    CodeStore store = new CodeStore(folder, replica);
    String once = upload(store, "same");
    String twice = upload(store, "same");

    assertThat(twice).isEqualTo(once);
    assertThat(files(folder)).containsExactly(folder.resolve(once + ".jar"));
  }

  /** Tests that jar refuses what is not a digest, so no path outside the folder is looked at. */
  @Test
  void jarRefusesWhatIsNotADigest() {
    CodeStore store = new CodeStore(dir.resolve("code"), replica);
    assertThatThrownBy(() -> store.jar("../secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a SHA-256 digest");
  }

  /** Tests that an upload a crash cut off is removed when the store opens again. */
  @Test
  void aBrokenUploadIsRemovedAtTheNextStart(@TempDir Path dir) throws Exception {
    Path folder = dir.resolve("code");
    Path part = new CodeStore(folder, cohort.coordinator.journal.FileReplica.NONE).receiving();
    Files.writeString(part, "half a jar");
    new CodeStore(folder, cohort.coordinator.journal.FileReplica.NONE);
    assertThat(part).doesNotExist();
  }
}
