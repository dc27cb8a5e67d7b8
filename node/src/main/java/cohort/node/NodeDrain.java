package cohort.node;

import cohort.protocol.WorkerProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;

/**
 * A node's drain: who waits for it, when what still runs is interrupted and when its threads are
 * given up. The worker hands it the drain requests and the drain's timers.
 */
final class NodeDrain {

  /** How long running batches may take to stop once the drain timeout has passed. */
  static final Duration GRACE = Duration.ofSeconds(2);

  private final NodeBatches batches;
  private final TimerScheduler<WorkerProtocol.Command> timers;
  private final String node;
  private final Logger log;
  private final List<ActorRef<Done>> waiters = new ArrayList<>();

  NodeDrain(
      NodeBatches batches, TimerScheduler<WorkerProtocol.Command> timers, String node, Logger log) {
    this.batches = batches;
    this.timers = timers;
    this.node = node;
    this.log = log;
  }

  /**
   * The drain begins: what was queued has gone back ({@code returned} batches), what runs has until
   * {@code timeout}, or is interrupted at once when the timeout is zero.
   */
  void begin(Duration timeout, int returned) {
    if (timeout.isZero()) {
      // A node given no time to drain (the cluster inside cohort submit) stops what runs at once;
      // no drain timeout passes, so none is reported.
      log.info(
          "node {} stopping: interrupting {} running batches, returned {} queued",
          node,
          batches.running(),
          returned);
      interruptRunning();
    } else {
      log.info(
          "node {} draining: finishing {} running batches within {} s, returned {} queued",
          node,
          batches.running(),
          timeout.toSeconds(),
          returned);
      timers.startSingleTimer(WorkerMessages.Signal.DRAIN_DEADLINE, timeout);
    }
  }

  /** Someone waits for the drain to end. */
  void await(ActorRef<Done> waiter) {
    waiters.add(waiter);
  }

  /** The drain's timeout passed: what still runs is interrupted. */
  void deadlinePassed() {
    log.warn("drain timeout passed with {} batches running; interrupting them", batches.running());
    interruptRunning();
  }

  /** The grace after the timeout passed: what still runs is given up, and the drain ends. */
  void graceOver() {
    batches.giveUpAll();
    finish();
  }

  /** Ends the drain if nothing runs any more. */
  void finishIfIdle() {
    if (batches.idle()) {
      finish();
    }
  }

  /** Sends what is left to send and answers everyone waiting. */
  void finish() {
    batches.flush();
    timers.cancel(WorkerMessages.Signal.DRAIN_DEADLINE);
    timers.cancel(WorkerMessages.Signal.DRAIN_GRACE_OVER);
    if (!waiters.isEmpty()) {
      log.info("node {} drained", node);
    }
    waiters.forEach(waiter -> waiter.tell(Done.getInstance()));
    waiters.clear();
  }

  /** Interrupts the running batches, and gives up their threads {@link #GRACE} later. */
  private void interruptRunning() {
    batches.interruptAll();
    timers.startSingleTimer(WorkerMessages.Signal.DRAIN_GRACE_OVER, GRACE);
  }
}
