package cohort.node;

import cohort.protocol.Coalescing;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.Payloads;
import cohort.protocol.WorkerProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the worker has to tell its coordinators, collected during one turn of its actor and packed
 * into as few messages as {@link Coalescing#groups} allows.
 *
 * <p>Per coordinator, a flush sends the batches started since the last flush first, in a {@link
 * BatchProgress}, so the coordinator always knows a batch ran before it sees its result. The
 * results follow in the order they were produced: whole, successful results of small batches share
 * a {@link BatchProgress} (the first of them the one with the starts), any other part travels alone
 * as a {@link BatchFinished} in its place. Not thread-safe: the worker's actor owns it.
 */
final class Outbox {

  /** A message to send and where. */
  record Envelope(ActorRef<CoordinatorProtocol.Command> to, CoordinatorProtocol.Command message) {}

  private final ActorRef<WorkerProtocol.Command> worker;
  private final Map<ActorRef<CoordinatorProtocol.Command>, Pending> pending = new LinkedHashMap<>();

  /**
   * @param worker the worker that reports, named in {@link BatchProgress}
   */
  Outbox(ActorRef<WorkerProtocol.Command> worker) {
    this.worker = worker;
  }

  /**
   * Adds a batch that a slot thread took up.
   *
   * @return true when the outbox was empty: the caller arranges a flush
   */
  boolean started(ActorRef<CoordinatorProtocol.Command> coordinator, BatchKey batch) {
    boolean wasEmpty = pending.isEmpty();
    pendingFor(coordinator).started.add(batch);
    return wasEmpty;
  }

  /**
   * Adds a batch's result, or a part of it.
   *
   * @return true when the outbox was empty: the caller arranges a flush
   */
  boolean result(ActorRef<CoordinatorProtocol.Command> coordinator, BatchFinished part) {
    boolean wasEmpty = pending.isEmpty();
    pendingFor(coordinator).results.add(part);
    return wasEmpty;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Packs everything added since the last flush into messages, in order, and forgets it. */
  List<Envelope> flush() {
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
