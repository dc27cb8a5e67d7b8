package cohort.coordinator.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {

  /** Tests that ids are JOB/N, fresh each time, and live under the store's folder. */
  @Test
  void idsLiveUnderTheRoot(@TempDir Path dir) {
    BlobStore blobs = new BlobStore(dir);
    String first = blobs.newId("k7q-3");
    String second = blobs.newId("k7q-3");
    assertThat(first).matches("k7q-3/[0-9]+").isNotEqualTo(second);
    assertThat(blobs.pathOf(first)).isEqualTo(dir.resolve(first));
    assertThat(blobs.pathOf(first).normalize().startsWith(dir)).isTrue();
  }

  /** Tests that no id can name a path outside the store: a request cannot reach other files. */
  @Test
  void refusesEverythingThatIsNotABlobId(@TempDir Path dir) {
    BlobStore blobs = new BlobStore(dir);
    for (String bad :
        new String[] {
          "../x/1",
          "k7q-3/../../etc",
          "/etc/passwd",
          "k7q-3/1/2",
          "K7Q/1",
          "k7q-3/",
          "k7q-3/-1",
          "k7q-3/1 ",
          "",
          "a".repeat(41) + "/1"
        }) {
      assertThatThrownBy(() -> blobs.pathOf(bad)).as(bad).hasMessageContaining("is not a blob id");
    }
    assertThatThrownBy(() -> blobs.pathOf(null)).hasMessageContaining("is not a blob id");
    assertThatThrownBy(() -> blobs.newId("../x")).hasMessageContaining("is not a job id");
    assertThatThrownBy(() -> blobs.deleteJob("..")).hasMessageContaining("is not a job id");
  }

  /** Tests that a blob and a job's blobs are deleted, and deleting twice is fine. */
  @Test
  void deletesBlobsAndJobs(@TempDir Path dir) throws Exception {
    BlobStore blobs = new BlobStore(dir);
    String one = blobs.newId("k7q-3");
    String two = blobs.newId("k7q-3");
    for (String id : new String[] {one, two}) {
      Files.createDirectories(blobs.pathOf(id).getParent());
      Files.writeString(blobs.pathOf(id), "bytes");
    }
    blobs.delete(one);
    blobs.delete(one);
    assertThat(blobs.pathOf(one)).doesNotExist();
    assertThat(blobs.pathOf(two)).exists();
    blobs.deleteJob("k7q-3");
    blobs.deleteJob("k7q-3");
    assertThat(dir.resolve("k7q-3")).doesNotExist();
  }
}
