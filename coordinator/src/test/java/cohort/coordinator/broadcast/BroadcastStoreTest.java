package cohort.coordinator.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.code.Sha256;
import cohort.coordinator.journal.FileReplica;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broadcasts the coordinator keeps: by digest, checked on the way in. */
class BroadcastStoreTest {

  @TempDir Path dir;

  /** Tests that an upload is kept under its digest and a job's missing broadcast is named. */
  @Test
  void keepsUploadsByDigest() throws Exception {
    BroadcastStore store = new BroadcastStore(dir.resolve("broadcasts"), FileReplica.NONE, 1024);
    Path received = store.receiving();
    Files.writeString(received, "weights");
    String digest = Sha256.of(received);
    String other = "0".repeat(64);
    assertThat(store.missing(Map.of("model", digest))).contains("model");
    store.keep(digest, received);
    assertThat(Files.readString(store.file(digest).orElseThrow())).isEqualTo("weights");
    assertThat(Files.exists(received)).isFalse();
    assertThat(store.missing(Map.of("model", digest))).isEqualTo(Optional.empty());
    assertThat(store.missing(Map.of("model", digest, "index", other))).contains("index");
  }

  /** Tests that bytes that do not match their digest are refused and not kept. */
  @Test
  void refusesBytesOfAnotherDigest() throws Exception {
    BroadcastStore store = new BroadcastStore(dir, FileReplica.NONE, 1024);
    Path received = store.receiving();
    Files.writeString(received, "weights");
    String claimed = "1".repeat(64);
    assertThatThrownBy(() -> store.keep(claimed, received))
        .hasMessageContaining("not " + claimed)
        .hasMessageContaining("PUT /broadcasts/");
    assertThat(store.file(claimed)).isEmpty();
    assertThat(Files.exists(received)).isFalse();
  }

  /** Tests that the size setting is read as a size and bounded. */
  @Test
  void readsItsBoundFromTheSettings() {
    BroadcastStore store =
        BroadcastStore.fromConfig(
            ConfigFactory.parseString("cohort.coordinator.max-broadcast-bytes = 20MiB"),
            dir,
            FileReplica.NONE);
    assertThat(store.maxBytes()).isEqualTo(20L << 20);
    assertThatThrownBy(
            () ->
                BroadcastStore.fromConfig(
                    ConfigFactory.parseString("cohort.coordinator.max-broadcast-bytes = 3GiB"),
                    dir,
                    FileReplica.NONE))
        .hasMessageContaining("cohort.coordinator.max-broadcast-bytes = 3221225472 must be from 1");
  }
}
