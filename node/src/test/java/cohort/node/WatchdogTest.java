package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's decisions on a clock the test moves. A batch "runs" on the test thread: its
 * control is attached to it, and any interrupt the test causes is cleared afterwards.
 */
class WatchdogTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private static ActorTestKit testKit;
  private static ActorRef<CoordinatorProtocol.Command> coordinator;

  private final Watchdog watchdog = new Watchdog("n1:1");
  private long now = 1_000_000_000L;
  private final Ticker clock = () -> now;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local"));
    coordinator = testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private RunningBatch batch(long id, long run, long timeoutMillis) {
    List<JsonNode> inputs = List.of(LongNode.valueOf(1), LongNode.valueOf(2));
    RunBatch batch =
        new RunBatch(
            "j",
            id,
            new TaskSpec("t", Map.of()),
            0,
            Values.of(inputs),
            1,
            timeoutMillis,
            coordinator,
            false);
    return new RunningBatch(batch, new BatchControl(clock), run, null);
  }

  /** Attaches the batch to the test thread and begins its input at {@code offset}, now. */
  private static RunningBatch running(RunningBatch batch, int offset) {
    batch.control().attach();
    batch.control().begin(offset, batch.control().now());
    return batch;
  }

  /** Tests that batches without a timeout or a cancel need no watching. */
  @Test
  void watchesNothingWithoutTimeoutsOrCancels() {
    RunningBatch plain = running(batch(1, 1, 0), 0);
    now += 3_600_000 * MS;
    Watchdog.Findings found = watchdog.inspect(List.of(plain));
    assertThat(found.watching()).isFalse();
    assertThat(found.timeOuts()).isEmpty();
    assertThat(found.giveUps()).isEmpty();
  }

  /**
   * Tests that an input past its timeout is interrupted once, and its thread given up once it
   * ignored the interrupt past its grace (1 s for a short timeout), with a TIMEOUT failure.
   */
  @Test
  void interruptsThenGivesUpAnInputPastItsTimeout() {
    RunningBatch late = running(batch(1, 1, 100), 1);
    now += 100 * MS;
    Watchdog.Findings found = watchdog.inspect(List.of(late));
    assertThat(found.watching()).isTrue();
    assertThat(found.timeOuts()).isEmpty();

    now += 1 * MS;
    found = watchdog.inspect(List.of(late));
    assertThat(found.timeOuts()).containsExactly(new Watchdog.TimeOut(late, 1));
    assertThat(late.control().timeOut(1)).isTrue();

    now += 999 * MS; // 100 ms of timeout and 1000 ms of grace
    found = watchdog.inspect(List.of(late));
    assertThat(found.timeOuts()).isEmpty();
    assertThat(found.giveUps()).isEmpty();

    now += 1 * MS;
    found = watchdog.inspect(List.of(late));
    assertThat(found.giveUps())
        .singleElement()
        .satisfies(
            giveUp -> {
              assertThat(giveUp.batch()).isEqualTo(late);
              assertThat(giveUp.failure().offset()).isEqualTo(1);
              assertThat(giveUp.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
              assertThat(giveUp.failure().error().type()).isEqualTo("cohort.TaskAbandoned");
              assertThat(giveUp.failure().error().message())
                  .startsWith("ran longer than the task timeout of 100 ms")
                  .contains("ignored the interrupt for 1001 ms");
              assertThat(giveUp.failure().error().trace())
                  .contains(Thread.currentThread().getName());
            });
  }

  /** Tests that the grace after an interrupt is half the timeout, from 1 s up to 5 s. */
  @Test
  void graceIsHalfTheTimeoutWithinBounds() {
    assertThat(Watchdog.graceNanos(batch(1, 1, 100).batch())).isEqualTo(1000 * MS);
    assertThat(Watchdog.graceNanos(batch(1, 1, 6_000).batch())).isEqualTo(3000 * MS);
    assertThat(Watchdog.graceNanos(batch(1, 1, 60_000).batch())).isEqualTo(5000 * MS);
  }

  /**
   * Tests that a cancelled batch whose thread ignores the cancel is given up after half a second,
   * and that a cancelled batch still waiting its turn is watched but has no thread to give up.
   */
  @Test
  void givesUpAThreadThatIgnoresACancel() {
    RunningBatch stuck = running(batch(1, 1, 0), 0);
    RunningBatch waiting = batch(2, 1, 0);
    stuck.control().cancel();
    waiting.control().cancel();
    now += Watchdog.CANCEL_GRACE_NANOS;
    Watchdog.Findings found = watchdog.inspect(List.of(stuck, waiting));
    assertThat(found.watching()).isTrue();
    assertThat(found.giveUps()).isEmpty();

    now += 1;
    found = watchdog.inspect(List.of(stuck, waiting));
    assertThat(found.giveUps())
        .singleElement()
        .satisfies(
            giveUp -> {
              assertThat(giveUp.batch()).isEqualTo(stuck);
              assertThat(giveUp.failure()).isNull();
              assertThat(giveUp.why()).isEqualTo("it ignored the cancel");
            });
  }

  /** Tests that a drain's grace gives up one thread per run, whatever its batches. */
  @Test
  void drainGraceGivesUpEachRunOnce() {
    RunningBatch first = running(batch(1, 7, 0), 0);
    RunningBatch behindIt = batch(2, 7, 0);
    RunningBatch other = batch(3, 8, 0);
    assertThat(watchdog.drainGraceOver(List.of(first, behindIt, other)))
        .extracting(Watchdog.GiveUp::batch)
        .containsExactly(first, other);
  }

  /** Tests that only a thread inside System.exit counts as exiting. */
  @Test
  void findsNoExitWhereThereIsNone() {
    assertThat(watchdog.exiting(List.of(running(batch(1, 1, 0), 0), batch(2, 1, 0)))).isEmpty();
  }
}
