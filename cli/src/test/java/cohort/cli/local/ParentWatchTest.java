package cohort.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watch a child JVM keeps on the process that started it, with real processes. */
class ParentWatchTest {

  /** Tests that the watch acts once the watched process ends, and not while it runs. */
  @Test
  void actsOnceTheProcessEnds() throws Exception {
    Process parent = new ProcessBuilder("sleep", "600").start();
    CompletableFuture<Void> acted = new CompletableFuture<>();
    try (ParentWatch watch = ParentWatch.start(parent.pid(), () -> acted.complete(null))) {
      assertThat(watch.gone()).isFalse();
      parent.destroyForcibly();
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
      acted.get(10, TimeUnit.SECONDS);
      assertThat(watch.gone()).isTrue();
    } finally {
      parent.destroyForcibly();
    }
  }

  /** Tests that the watch acts at once when the process is gone already. */
  @Test
  void actsAtOnceWhenTheProcessIsGone() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> acted = new CompletableFuture<>();
    try (ParentWatch watch = ParentWatch.start(ended.pid(), () -> acted.complete(null))) {
      acted.get(10, TimeUnit.SECONDS);
    }
  }
}
