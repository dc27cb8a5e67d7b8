package cohort.node;

import cohort.protocol.Coalescing;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.Payloads;
import cohort.protocol.WorkerProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the worker has to tell its coordinators, collected during one turn of its actor and packed
 * into as few messages as {@link Coalescing#groups} allows.
 *
 * <p>A batch's start is reported once it has run for {@link #START_REPORT_DELAY} without a result:
 * a result proves the batch ran, so a batch that ends sooner needs no report of its own, and tiny
 * tasks cost one message per result, not two. The coordinator blames a lost node only for the
 * batches it heard were running; one that ran for less than the delay when its node died runs again
 * unblamed, asking before it starts ({@code confirmStart}), so it is known to run from then on.
 *
 * <p>Per coordinator, a flush sends the starts due first, in a {@link BatchProgress}, so the
 * coordinator always knows a batch ran before it sees its result. The results follow in the order
 * they were produced: whole, successful results of small batches share a {@link BatchProgress} (the
 * first of them the one with the starts), any other part travels alone as a {@link BatchFinished}
 * in its place. Not thread-safe: the worker's actor owns it.
 */
final class Outbox {

  /** A message to send and where. */
  record Envelope(ActorRef<CoordinatorProtocol.Command> to, CoordinatorProtocol.Command message) {}

  /** How long a batch runs before its start is reported, unless its result comes first. */
  static final Duration START_REPORT_DELAY = Duration.ofMillis(5);

  private final ActorRef<WorkerProtocol.Command> worker;
  private final long startDelayNanos;
  private final LongSupplier nanoTime;
  private final Map<ActorRef<CoordinatorProtocol.Command>, Pending> pending = new LinkedHashMap<>();

  /** Batches started and not reported yet, oldest first. */
  private final Map<BatchKey, Start> starting = new LinkedHashMap<>();

  private record Start(ActorRef<CoordinatorProtocol.Command> coordinator, long atNanos) {}

  /**
   * @param worker the worker that reports, named in {@link BatchProgress}
   */
  Outbox(ActorRef<WorkerProtocol.Command> worker) {
    this(worker, START_REPORT_DELAY, System::nanoTime);
  }

  /**
   * @param startDelay how long a batch runs before its start is reported; zero reports at once
   * @param nanoTime the clock starts are timed by
   */
  Outbox(ActorRef<WorkerProtocol.Command> worker, Duration startDelay, LongSupplier nanoTime) {
    this.worker = worker;
    this.startDelayNanos = startDelay.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Adds a batch that a slot thread took up; its start is reported at the first flush after the
   * delay, unless its result comes first.
   *
   * @return true when the outbox was empty and the start is due at once: the caller arranges a
   *     flush; otherwise {@link #nextStartDue} says when one is needed
   */
  boolean started(ActorRef<CoordinatorProtocol.Command> coordinator, BatchKey batch) {
    if (startDelayNanos > 0) {
      starting.put(batch, new Start(coordinator, nanoTime.getAsLong()));
      return false;
    }
    boolean wasEmpty = pending.isEmpty();
    pendingFor(coordinator).started.add(batch);
    return wasEmpty;
  }

  /**
   * Adds a batch's result, or a part of it: the batch's start needs no report of its own.
   *
   * @return true when the outbox was empty: the caller arranges a flush
   */
  boolean result(ActorRef<CoordinatorProtocol.Command> coordinator, BatchFinished part) {
    starting.remove(new BatchKey(part.jobId(), part.batchId()));
    boolean wasEmpty = pending.isEmpty();
    pendingFor(coordinator).results.add(part);
    return wasEmpty;
  }

  /** How long until the oldest unreported start is due, or empty when none waits. */
  Optional<Duration> nextStartDue() {
    Iterator<Start> oldest = starting.values().iterator();
    if (!oldest.hasNext()) {
      return Optional.empty();
    }
    long waited = nanoTime.getAsLong() - oldest.next().atNanos();
    return Optional.of(Duration.ofNanos(Math.max(0, startDelayNanos - waited)));
  }

  /** Whether nothing waits to be sent, starts not yet due aside. */
  boolean isEmpty() {
    return pending.isEmpty();
  }

  /**
   * Packs the starts now due and everything else added since the last flush into messages, in
   * order, and forgets them.
   */
  List<Envelope> flush() {
    long now = nanoTime.getAsLong();
    for (Iterator<Map.Entry<BatchKey, Start>> it = starting.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<BatchKey, Start> start = it.next();
      if (now - start.getValue().atNanos() < startDelayNanos) {
        break; // the rest started later
      }
      pendingFor(start.getValue().coordinator()).started.add(start.getKey());
      it.remove();
    }
    List<Envelope> envelopes = new ArrayList<>();
    pending.forEach((coordinator, batches) -> pack(coordinator, batches, envelopes));
    pending.clear();
    return envelopes;
  }

  private void pack(
      ActorRef<CoordinatorProtocol.Command> coordinator, Pending batches, List<Envelope> out) {
    List<BatchKey> started = batches.started;
    for (List<BatchFinished> group :
        Coalescing.groups(batches.results, Outbox::travelsTogether, Outbox::bytes)) {
      BatchFinished first = group.get(0);
      boolean together = travelsTogether(first);
      if (!together && !started.isEmpty()) {
        out.add(new Envelope(coordinator, BatchProgress.of(worker, List.of(), started)));
        started = List.of();
      }
      if (group.size() == 1 && (!together || started.isEmpty())) {
        out.add(new Envelope(coordinator, first));
      } else {
        out.add(new Envelope(coordinator, BatchProgress.of(worker, group, started)));
        started = List.of();
      }
    }
    if (!started.isEmpty()) {
      out.add(new Envelope(coordinator, BatchProgress.of(worker, List.of(), started)));
    }
  }

  /** Whole successful results of small batches share a message; anything else goes alone. */
  static boolean travelsTogether(BatchFinished part) {
    return BatchProgress.fits(part) && Coalescing.small(part.outputs().size());
  }

  private static long bytes(BatchFinished part) {
    long bytes = 0;
    for (JsonNode output : part.outputs()) {
      bytes += Payloads.estimateBytes(output);
    }
    return bytes;
  }

  private Pending pendingFor(ActorRef<CoordinatorProtocol.Command> coordinator) {
    return pending.computeIfAbsent(coordinator, c -> new Pending());
  }

  private static final class Pending {
    final List<BatchKey> started = new ArrayList<>();
    final List<BatchFinished> results = new ArrayList<>();
  }
}
