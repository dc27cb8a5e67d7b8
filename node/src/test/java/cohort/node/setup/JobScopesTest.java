package cohort.node.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.code.Sha256;
import cohort.node.broadcast.BroadcastCache;
import cohort.task.SetupContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What jobs keep on a node: set up once per job, shared by its batches, torn down at its end. */
class JobScopesTest {

  @TempDir Path dir;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ExecutorService setups = Executors.newCachedThreadPool();
  private final List<Object> tornDown = new CopyOnWriteArrayList<>();
  private final AtomicInteger setupsRun = new AtomicInteger();
  private final AtomicInteger fetches = new AtomicInteger();

  @AfterEach
  void stop() {
    threads.shutdownNow();
    setups.shutdownNow();
  }

  /** A task whose setup counts itself, waits for {@code gate}, and reads the broadcast "words". */
  private class Counting implements Preparation {
    final Map<String, String> broadcasts;
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile RuntimeException failure;
    final AtomicInteger held = new AtomicInteger();

    Counting(Map<String, String> broadcasts) {
      this.broadcasts = broadcasts;
    }

    @Override
    public String task() {
      return "count";
    }

    @Override
    public Map<String, String> broadcasts() {
      return broadcasts;
    }

    @Override
    public boolean hasSetup() {
      return true;
    }

    @Override
    public Object setup(SetupContext context) throws Exception {
      setupsRun.incrementAndGet();
      gate.await();
      if (failure != null) {
        throw failure;
      }
      List<String> state = new ArrayList<>();
      state.add(context.jobId());
      if (context.broadcastNames().contains("words")) {
        state.add(StandardCharsets.UTF_8.decode(context.broadcast("words")).toString());
      }
      return state;
    }

    @Override
    public void teardown(Object state) {
      tornDown.add(state);
    }

    @Override
    public void hold() {
      held.incrementAndGet();
    }

    @Override
    public void release() {
      held.decrementAndGet();
    }
  }

  private JobScopes scopes() {
    return new JobScopes(
        "node-1",
        () ->
            new BroadcastCache(
                dir.resolve("cache"),
                1 << 20,
                (digest, into) -> {
                  fetches.incrementAndGet();
                  Files.writeString(into, "hello broadcast");
                  return Sha256.of(into);
                },
                System::nanoTime),
        setups);
  }

  private static String wordsDigest() throws Exception {
    Path file = Files.createTempFile("words", ".txt");
    Files.writeString(file, "hello broadcast");
    try {
      return Sha256.of(file);
    } finally {
      Files.delete(file);
    }
  }

  /** Tests that batches entering a job at once wait for one setup and share what it made. */
  @Test
  void setsUpOncePerJobForConcurrentBatches() throws Exception {
    JobScopes scopes = scopes();
    Counting task = new Counting(Map.of("words", wordsDigest()));
    task.gate = new CountDownLatch(1);
    List<Future<JobScope>> entering = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      entering.add(threads.submit(() -> scopes.enter("job-1", task)));
    }
    task.gate.countDown();
    List<JobScope> entered = new ArrayList<>();
    for (Future<JobScope> each : entering) {
      entered.add(each.get(10, TimeUnit.SECONDS));
    }
    assertThat(setupsRun).hasValue(1);
    assertThat(fetches).hasValue(1);
    Object shared = entered.get(0).shared(List.class);
    assertThat(shared).isEqualTo(List.of("job-1", "hello broadcast"));
    entered.forEach(scope -> assertThat(scope.shared(List.class)).isSameAs(shared));
    ByteBuffer bytes = entered.get(0).broadcast("words");
    assertThat(bytes.isReadOnly()).isTrue();
    assertThat(StandardCharsets.UTF_8.decode(bytes).toString()).isEqualTo("hello broadcast");
    assertThat(Files.readString(entered.get(1).broadcastFile("words")))
        .isEqualTo("hello broadcast");
    assertThat(task.held).hasValue(1);
  }

  /** Tests that a job's state is torn down once it ended and its last batch left, not before. */
  @Test
  void tearsDownWhenTheJobEndedAndItsLastBatchLeft() throws Exception {
    JobScopes scopes = scopes();
    Counting task = new Counting(Map.of());
    JobScope first = scopes.enter("job-1", task);
    JobScope second = scopes.enter("job-1", task);
    scopes.leave(first);
    scopes.ended("job-1");
    assertThat(tornDown).isEmpty();
    scopes.leave(second);
    setups.shutdown();
    assertThat(setups.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(tornDown).containsExactly(List.of("job-1"));
    assertThat(task.held).hasValue(0);
    assertThat(scopes.size()).isZero();
  }

  /** Tests that a second job of the same task gets its own setup, and the broadcast is reused. */
  @Test
  void eachJobHasItsOwnSetupAndSharesTheCache() throws Exception {
    JobScopes scopes = scopes();
    Map<String, String> words = Map.of("words", wordsDigest());
    JobScope one = scopes.enter("job-1", new Counting(words));
    JobScope two = scopes.enter("job-2", new Counting(words));
    assertThat(one.shared(List.class)).isNotSameAs(two.shared(List.class));
    assertThat(setupsRun).hasValue(2);
    assertThat(fetches).hasValue(1);
    assertThat(scopes.fetches()).isEqualTo(1);
  }

  /** Tests that a setup that throws fails every batch of the job here, once, in plain words. */
  @Test
  void aFailedSetupFailsTheJobsBatchesHere() throws Exception {
    JobScopes scopes = scopes();
    Counting task = new Counting(Map.of());
    task.failure = new IllegalStateException("no GPU");
    assertThatThrownBy(() -> scopes.enter("job-1", task))
        .isInstanceOf(SetupFailed.class)
        .hasMessage("setup of task count failed on node node-1: no GPU");
    assertThatThrownBy(() -> scopes.enter("job-1", task)).isInstanceOf(SetupFailed.class);
    assertThat(setupsRun).hasValue(1);
    scopes.ended("job-1");
    setups.shutdown();
    assertThat(setups.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(tornDown).as("nothing was made to tear down").isEmpty();
    assertThat(task.held).hasValue(0);
  }

  /** Tests that a broadcast the node cannot have fails the job here, naming it. */
  @Test
  void aMissingBroadcastFailsTheJobHere() {
    JobScopes scopes = new JobScopes("node-1", null, setups);
    assertThatThrownBy(() -> scopes.enter("job-1", new Counting(Map.of("model", "a".repeat(64)))))
        .hasMessage(
            "broadcast 'model' of task count could not be had on node node-1: this node keeps no"
                + " broadcasts");
  }

  /** Tests that an unknown broadcast name is refused with the names the job has. */
  @Test
  void anUnknownNameListsTheJobsBroadcasts() throws Exception {
    JobScope scope = scopes().enter("job-1", new Counting(Map.of("words", wordsDigest())));
    assertThatThrownBy(() -> scope.broadcast("wrods"))
        .hasMessage("this job has no broadcast 'wrods'; its broadcasts are [words]");
    assertThatThrownBy(() -> JobScope.NONE.broadcast("model"))
        .hasMessageContaining("this job has no broadcasts, so none named 'model'");
    assertThatThrownBy(() -> JobScope.NONE.shared(Object.class))
        .hasMessageContaining("has no per-node setup");
  }

  /** Tests that the node's stop tears down every job, even one still running. */
  @Test
  void closeAllTearsDownEveryJob() throws Exception {
    JobScopes scopes = scopes();
    scopes.enter("job-1", new Counting(Map.of()));
    scopes.enter("job-2", new Counting(Map.of()));
    scopes.closeAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(tornDown).containsExactlyInAnyOrder(List.of("job-1"), List.of("job-2"));
  }

  /** Tests that a job without broadcasts or setup keeps nothing on the node. */
  @Test
  void aPlainJobKeepsNothing() throws Exception {
    JobScopes scopes = scopes();
    Preparation plain =
        new Counting(Map.of()) {
          @Override
          public boolean hasSetup() {
            return false;
          }
        };
    assertThat(scopes.enter("job-1", plain)).isSameAs(JobScope.NONE);
    assertThat(scopes.size()).isZero();
  }
}
