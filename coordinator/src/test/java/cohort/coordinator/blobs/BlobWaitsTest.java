package cohort.coordinator.blobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BlobWaitsTest {

  private final BlobWaits waits = new BlobWaits();

  /** Tests that a node's request reaches the client's waiting question, and the bytes the node. */
  @Test
  void aRequestReachesTheClientAndTheBytesTheNode() {
    CompletableFuture<Optional<List<String>>> asked = waits.wanted("j1");
    assertThat(asked).isNotDone();
    CompletableFuture<Boolean> node = waits.await("j1", "j1/c3");
    assertThat(asked).isCompletedWithValue(Optional.of(List.of("j1/c3")));
    assertThat(node).isNotDone();
    waits.arrived("j1", "j1/c3");
    assertThat(node).isCompletedWithValue(true);
    // Sent once: a later request for it is answered at once, and the client is not asked again.
    assertThat(waits.await("j1", "j1/c3")).isCompletedWithValue(true);
    assertThat(waits.wanted("j1")).isNotDone();
  }

  /** Tests that requests made while the client was not asking wait for its next question. */
  @Test
  void requestsWaitForTheNextQuestionAndAreToldOnce() {
    CompletableFuture<Boolean> first = waits.await("j1", "j1/c1");
    CompletableFuture<Boolean> again = waits.await("j1", "j1/c1");
    waits.await("j1", "j1/c2");
    waits.await("j2", "j2/c1");
    assertThat(waits.wanted("j1")).isCompletedWithValue(Optional.of(List.of("j1/c1", "j1/c2")));
    assertThat(waits.wanted("j1")).isNotDone();
    waits.arrived("j1", "j1/c1");
    assertThat(first).isCompletedWithValue(true);
    assertThat(again).isCompletedWithValue(true);
  }

  /** Tests that a job's end answers its waiting nodes with false and its client with empty. */
  @Test
  void theJobsEndAnswersEveryone() {
    CompletableFuture<Boolean> node = waits.await("j1", "j1/c1");
    waits.wanted("j1").join();
    CompletableFuture<Optional<List<String>>> asked = waits.wanted("j1");
    CompletableFuture<Boolean> other = waits.await("j2", "j2/c1");
    waits.ended("j1");
    assertThat(node).isCompletedWithValue(false);
    assertThat(asked).isCompletedWithValue(Optional.empty());
    assertThat(other).isNotDone();
  }

  /** Tests that a newer question from the client replaces an older one, answered empty. */
  @Test
  void aNewQuestionReplacesTheOld() {
    CompletableFuture<Optional<List<String>>> old = waits.wanted("j1");
    CompletableFuture<Optional<List<String>>> current = waits.wanted("j1");
    assertThat(old).isCompletedWithValue(Optional.of(List.of()));
    waits.await("j1", "j1/c0");
    assertThat(current).isCompletedWithValue(Optional.of(List.of("j1/c0")));
  }
}
