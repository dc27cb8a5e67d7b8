package cohort.coordinator.dispatch;

import cohort.protocol.Coalescing;
import cohort.protocol.Payloads;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The batches one round of dispatch chose, by node, sent when the round ends: each node gets its
 * batches in the order they were chosen, small ones together in one message ({@link Coalescing}), a
 * large one or one that confirms its start alone, in its place.
 *
 * <p>Used by the coordinator actor only; not thread-safe.
 */
public final class Outbox {

  private final Map<ActorRef<WorkerProtocol.Command>, List<RunBatch>> byNode =
      new LinkedHashMap<>();

  /** Queues a batch for the node's worker. */
  public void add(ActorRef<WorkerProtocol.Command> worker, RunBatch batch) {
    byNode.computeIfAbsent(worker, key -> new ArrayList<>()).add(batch);
  }

  /** Sends every queued batch and empties the outbox. */
  public void flush() {
    for (Map.Entry<ActorRef<WorkerProtocol.Command>, List<RunBatch>> entry : byNode.entrySet()) {
      for (List<RunBatch> group : groups(entry.getValue())) {
        entry.getKey().tell(group.size() == 1 ? group.get(0) : WorkerProtocol.RunBatches.of(group));
      }
    }
    byNode.clear();
  }

  /** How the batches for one node travel: the messages, in order. */
  static List<List<RunBatch>> groups(List<RunBatch> batches) {
    return Coalescing.groups(
        batches,
        batch -> !batch.confirmStart() && Coalescing.small(batch.inputs().size()),
        Outbox::bytes);
  }

  private static long bytes(RunBatch batch) {
    long size = 0;
    for (JsonNode input : batch.inputs()) {
      size += Payloads.estimateBytes(input);
    }
    return size;
  }
}
