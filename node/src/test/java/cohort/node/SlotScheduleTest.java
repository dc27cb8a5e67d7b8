package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.protocol.Coalescing;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The slot schedule on its own: no threads run, batches are only handed out and reported. */
class SlotScheduleTest {

  private static ActorTestKit testKit;
  private static ActorRef<CoordinatorProtocol.Command> coordinator;
  private static final BoundTask TASK =
      TaskRegistry.of(TestTasks.all()).bind(new TaskSpec("scale", Map.of()));

  /** Every job's task is bound. */
  private static final Function<String, BoundTask> BOUND = job -> TASK;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local"));
    coordinator = testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static RunBatch batch(String job, long id, int inputs) {
    List<JsonNode> values = new ArrayList<>(Collections.nCopies(inputs, LongNode.valueOf(1)));
    return new RunBatch(
        job, id, new TaskSpec("scale", Map.of()), 0, Values.of(values), 1, 0, coordinator, false);
  }

  private static RunBatch confirming(String job, long id) {
    RunBatch batch = batch(job, id, 1);
    return new RunBatch(
        job, id, batch.task(), 0, Values.of(batch.inputs()), 2, 0, coordinator, true);
  }

  private static List<Long> ids(List<RunningBatch> run) {
    return run.stream().map(batch -> batch.batch().batchId()).toList();
  }

  /** Tests that a schedule needs a slot. */
  @Test
  void refusesNoSlots() {
    assertThatThrownBy(() -> new SlotSchedule(0)).hasMessageContaining("at least 1 slot");
  }

  /**
   * Tests that a free slot takes small batches in a row as one run, a large one alone, and that a
   * run holds its slot until its thread ends it.
   */
  @Test
  void formsRunsForFreeSlots() {
    SlotSchedule schedule = new SlotSchedule(2);
    schedule.enqueue(batch("j", 1, 1));
    schedule.enqueue(batch("j", 2, 1));
    schedule.enqueue(batch("j", 3, Coalescing.SMALL_BATCH + 1));
    schedule.enqueue(batch("j", 4, 1));
    List<RunningBatch> first = schedule.nextRun(BOUND);
    List<RunningBatch> second = schedule.nextRun(BOUND);
    assertThat(ids(first)).containsExactly(1L, 2L);
    assertThat(ids(second)).containsExactly(3L);
    assertThat(schedule.busy()).isEqualTo(2);
    assertThat(schedule.nextRun(BOUND)).isEmpty();

    assertThat(first.get(0).run()).isNotEqualTo(second.get(0).run());
    assertThat(first.get(0).control().withdraw()).as("the first is taken up").isFalse();
    assertThat(schedule.finished(new BatchKey("j", 1))).isSameAs(first.get(0));
    assertThat(schedule.finished(new BatchKey("j", 1))).isNull();
    assertThat(schedule.finished(new BatchKey("j", 2))).isSameAs(first.get(1));
    assertThat(schedule.runEnded(first.get(0).run())).isEmpty();
    assertThat(schedule.busy()).isEqualTo(1);
    assertThat(ids(schedule.nextRun(BOUND))).containsExactly(4L);
    assertThat(schedule.idle()).isFalse();
  }

  /** Tests that a run takes at most {@link Coalescing#MAX_TOGETHER} small batches. */
  @Test
  void capsARun() {
    SlotSchedule schedule = new SlotSchedule(1);
    for (long id = 0; id <= Coalescing.MAX_TOGETHER; id++) {
      schedule.enqueue(batch("j", id, 1));
    }
    assertThat(schedule.nextRun(BOUND)).hasSize(Coalescing.MAX_TOGETHER);
    assertThat(schedule.head().batchId()).isEqualTo(Coalescing.MAX_TOGETHER);
  }

  /** Tests that a batch whose task is not bound waits at the head, and ends a run before it. */
  @Test
  void waitsForTasks() {
    SlotSchedule schedule = new SlotSchedule(1);
    schedule.enqueue(batch("bound", 1, 1));
    schedule.enqueue(batch("binding", 2, 1));
    Function<String, BoundTask> tasks = job -> job.equals("bound") ? TASK : null;
    assertThat(ids(schedule.nextRun(tasks))).containsExactly(1L);
    assertThat(schedule.head().jobId()).isEqualTo("binding");

    SlotSchedule waiting = new SlotSchedule(1);
    waiting.enqueue(batch("binding", 1, 1));
    assertThat(waiting.nextRun(tasks)).isEmpty();
    assertThat(waiting.busy()).isZero();
  }

  /**
   * Tests that withdrawing takes matching batches from the queue and from runs where they still
   * wait their turn, but not a batch its thread has taken up.
   */
  @Test
  void withdrawsWhatHasNotStarted() {
    SlotSchedule schedule = new SlotSchedule(1);
    schedule.enqueue(batch("a", 1, 1));
    schedule.enqueue(batch("a", 2, 1));
    schedule.enqueue(batch("b", 3, 1));
    List<RunningBatch> run = schedule.nextRun(batch -> TASK);
    assertThat(ids(run)).containsExactly(1L, 2L, 3L);
    assertThat(run.get(2).control().takeUp()).isTrue();
    schedule.enqueue(batch("a", 4, 1));
    assertThat(schedule.withdraw(batch -> batch.jobId().equals("a")))
        .extracting(RunBatch::batchId)
        .containsExactly(4L, 2L);
    assertThat(run.get(1).control().takeUp()).as("withdrawn").isFalse();
    assertThat(schedule.handed())
        .extracting(RunningBatch::key)
        .containsExactly(new BatchKey("a", 1), new BatchKey("b", 3));
    assertThat(schedule.withdraw(batch -> true)).isEmpty();
  }

  /** Tests that dequeueing takes matching batches from the queue only, not from runs. */
  @Test
  void dequeuesFromTheQueueOnly() {
    SlotSchedule schedule = new SlotSchedule(1);
    schedule.enqueue(batch("a", 1, 1));
    schedule.enqueue(batch("a", 2, 1));
    assertThat(ids(schedule.nextRun(BOUND))).containsExactly(1L, 2L);
    schedule.enqueue(batch("a", 3, 1));
    assertThat(schedule.dequeue(batch -> true)).extracting(RunBatch::batchId).containsExactly(3L);
    assertThat(schedule.handed()).hasSize(2);
  }

  /**
   * Tests that giving up a thread frees its slot at once, returns each unfinished batch of its run
   * once, and counts the thread until it comes back.
   */
  @Test
  void givesUpARunOnce() {
    SlotSchedule schedule = new SlotSchedule(1);
    schedule.enqueue(batch("j", 1, 1));
    schedule.enqueue(batch("j", 2, 1));
    schedule.enqueue(batch("j", 3, 1));
    List<RunningBatch> run = schedule.nextRun(BOUND);
    schedule.finished(run.get(0).key());
    long id = run.get(0).run();

    List<RunningBatch> lost = schedule.giveUp(id);
    assertThat(ids(lost)).containsExactly(2L, 3L);
    assertThat(lost).allSatisfy(batch -> assertThat(batch.control().abandoned()).isTrue());
    assertThat(schedule.giveUp(id)).isEmpty();
    assertThat(schedule.busy()).isZero();
    assertThat(schedule.threadsGivenUp()).isEqualTo(1);
    assertThat(schedule.threadsNeeded()).isEqualTo(2);
    assertThat(schedule.idle()).isTrue();
    assertThat(schedule.finished(run.get(1).key())).as("reported when given up").isNull();

    assertThat(schedule.runEnded(id)).isEmpty();
    assertThat(schedule.threadsGivenUp()).isZero();
    assertThat(schedule.threadsNeeded()).isEqualTo(1);
    assertThat(schedule.busy()).isZero();
  }

  /** Tests that a run that ends with batches unfinished (its thread died) returns them. */
  @Test
  void returnsWhatADeadThreadLeft() {
    SlotSchedule schedule = new SlotSchedule(1);
    schedule.enqueue(batch("j", 1, 1));
    schedule.enqueue(batch("j", 2, 1));
    List<RunningBatch> run = schedule.nextRun(BOUND);
    schedule.finished(run.get(0).key());
    assertThat(ids(schedule.runEnded(run.get(0).run()))).containsExactly(2L);
    assertThat(schedule.idle()).isTrue();
    assertThat(Set.copyOf(schedule.handed())).isEmpty();
  }

  /**
   * Tests that a batch that must confirm its start holds a free slot while it waits, is never part
   * of a run, and runs alone, taken up, once confirmed.
   */
  @Test
  void holdsASlotForAStartConfirmation() {
    SlotSchedule schedule = new SlotSchedule(2);
    schedule.enqueue(batch("j", 1, 1));
    schedule.enqueue(confirming("j", 2));
    schedule.enqueue(batch("j", 3, 1));
    assertThat(schedule.holdForConfirmation(BOUND)).as("not at the head").isNull();
    assertThat(ids(schedule.nextRun(BOUND))).containsExactly(1L);
    assertThat(schedule.nextRun(BOUND)).as("it waits at the head").isEmpty();
    RunningBatch held = schedule.holdForConfirmation(BOUND);
    assertThat(held.batch().batchId()).isEqualTo(2);
    assertThat(schedule.busy()).isEqualTo(2);
    assertThat(schedule.nextRun(BOUND)).as("no slot free").isEmpty();

    List<RunningBatch> run = schedule.confirmed(held.key());
    assertThat(run).containsExactly(held);
    assertThat(held.control().withdraw()).as("taken up").isFalse();
    assertThat(schedule.busy()).isEqualTo(2);
    assertThat(schedule.confirmed(held.key())).isEmpty();
    assertThat(schedule.finished(held.key())).isSameAs(held);
    assertThat(schedule.runEnded(held.run())).isEmpty();
    assertThat(ids(schedule.nextRun(BOUND))).containsExactly(3L);
  }

  /** Tests that a declined or withdrawn held batch frees its slot, and is returned once. */
  @Test
  void freesAHeldSlot() {
    SlotSchedule schedule = new SlotSchedule(1);
    schedule.enqueue(confirming("j", 1));
    RunningBatch held = schedule.holdForConfirmation(BOUND);
    assertThat(schedule.declined(held.key())).isEqualTo(held.batch());
    assertThat(schedule.declined(held.key())).isNull();
    assertThat(schedule.busy()).isZero();
    assertThat(schedule.idle()).isTrue();

    schedule.enqueue(confirming("j", 2));
    held = schedule.holdForConfirmation(BOUND);
    assertThat(schedule.idle()).isFalse();
    assertThat(schedule.withdraw(batch -> true)).containsExactly(held.batch());
    assertThat(schedule.confirmed(held.key())).isEmpty();
    assertThat(schedule.busy()).isZero();
    assertThat(schedule.idle()).isTrue();
  }

  /** Tests that a batch that must confirm its start also waits for its task. */
  @Test
  void holdsNothingBeforeTheTaskIsBound() {
    SlotSchedule schedule = new SlotSchedule(1);
    schedule.enqueue(confirming("j", 1));
    assertThat(schedule.holdForConfirmation(job -> null)).isNull();
    assertThat(schedule.busy()).isZero();
  }
}
