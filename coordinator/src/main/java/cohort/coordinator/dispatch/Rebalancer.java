package cohort.coordinator.dispatch;

import cohort.api.labels.Requirement;
import cohort.coordinator.job.JobState;
import cohort.coordinator.jobs.JobRegistry;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Moves queued work to idle slots. A node holds batches queued behind those its slots run; when
 * another node has a slot with nothing to run and no job has work to send it (it joined, or the
 * work ran out unevenly), the nodes holding the most queued batches are asked to give back the
 * newest of them, which then go out to the idle slots. A node gives back only what has not started,
 * so nothing runs twice.
 *
 * <p>A batch moves only to a node that could have been sent it: one that offers its task and has
 * the labels its job requires.
 *
 * <p>Only batches expected to run at least {@code minBatchTime} move: quicker ones are done before
 * a move would pay off. A batch of a job with no measured time yet may move: nothing of it has
 * finished, so its tasks are not quick.
 *
 * <p>It remembers what it asked for until the answer comes, so an idle slot is asked for once, and
 * what a node kept (it had started) until that batch ends, so it is not asked for again. Not
 * thread-safe: the coordinator's actor owns it.
 */
public final class Rebalancer {

  /**
   * A batch a node holds, as the rebalancer needs to know it.
   *
   * @param task the task it runs
   * @param expectedNanos how long it is expected to run; negative when not known yet
   * @param require the labels its job requires of the node that runs it
   */
  public record Held(String task, long expectedNanos, Requirement require) {

    /** A batch of a job that requires no labels. */
    public Held(String task, long expectedNanos) {
      this(task, expectedNanos, Requirement.NONE);
    }
  }

  /** A request to {@code holder} to give back these batches if they have not started. */
  public record Recall(NodeTable.Node holder, List<BatchKey> batches) {}

  private final boolean enabled;
  private final long minNanos;

  /** Requests not answered yet, per holder in the order sent: nodes answer in order. */
  private final Map<String, ArrayDeque<List<BatchKey>>> asked = new HashMap<>();

  /** Batches a holder kept because they had started, by holder: never asked for again. */
  private final Map<String, Set<BatchKey>> kept = new HashMap<>();

  /**
   * @param minBatchTime the least work a queued batch must be expected to hold to move
   */
  public Rebalancer(Duration minBatchTime) {
    if (minBatchTime.isNegative()) {
      throw new IllegalArgumentException(
          "cohort.dispatch.move-queued-over = " + minBatchTime + ": use 0 or a positive duration");
    }
    this.enabled = true;
    this.minNanos = minBatchTime.toNanos();
  }

  private Rebalancer() {
    this.enabled = false;
    this.minNanos = Long.MAX_VALUE;
  }

  /** A rebalancer that never moves anything: queued batches stay where they were sent. */
  public static Rebalancer off() {
    return new Rebalancer();
  }

  /** What a batch of a running job is, looked up in the registry. */
  public static Function<BatchKey, Optional<Held>> heldIn(JobRegistry jobs) {
    return key ->
        jobs.get(key.job())
            .flatMap(
                job -> {
                  JobState state = job.state();
                  double mean = state.meanTaskNanos();
                  return state
                      .inFlight(key.batch())
                      .map(
                          flight ->
                              new Held(
                                  state.spec().task().offeredAs(),
                                  mean < 0 ? -1 : (long) (mean * flight.batch().size()),
                                  state.spec().require()));
                });
  }

  /**
   * Decides which queued batches to ask back, after a round of dispatch has sent what it could.
   *
   * @param held what each batch out on a node is; empty for a batch its job no longer expects
   * @return the requests to send, each already remembered as asked
   */
  public List<Recall> plan(NodeTable nodes, Function<BatchKey, Optional<Held>> held) {
    // Priority recalls are remembered whether or not idle slots may ask: forget what settled.
    forgetSettled(nodes);
    if (!enabled) {
      return List.of();
    }
    List<IdleNode> idle = new ArrayList<>();
    int idleSlots = 0;
    for (NodeTable.Node node : nodes.idle()) {
      int free = node.slots() - node.outstanding().size();
      idle.add(new IdleNode(node, free));
      idleSlots += free;
    }
    int wanted = idleSlots - pendingCount();
    if (idle.isEmpty() || wanted <= 0) {
      return List.of();
    }
    List<Holder> holders = holders(nodes, idle, held);
    Map<Holder, List<BatchKey>> chosen = new LinkedHashMap<>(); // holders by identity
    while (wanted > 0 && !holders.isEmpty()) {
      holders.sort(Comparator.comparingInt(Holder::surplus).reversed());
      Holder holder = holders.get(0);
      Candidate next = holder.surplus > 0 ? holder.candidates.pollFirst() : null;
      if (next == null) {
        holders.remove(0);
        continue;
      }
      if (!takeIdleSlot(idle, next.batch())) {
        continue; // no idle slot may run this batch; the holder's older batches may still move
      }
      chosen.computeIfAbsent(holder, h -> new ArrayList<>()).add(next.key());
      holder.surplus--;
      wanted--;
    }
    List<Recall> recalls = new ArrayList<>(chosen.size());
    chosen.forEach(
        (holder, keys) -> {
          asked.computeIfAbsent(holder.node.id(), id -> new ArrayDeque<>()).addLast(keys);
          recalls.add(new Recall(holder.node, List.copyOf(keys)));
        });
    return recalls;
  }

  /**
   * Whether the holder was asked for the batch and has not answered, or kept it because it had
   * started: it is not asked for again.
   */
  boolean askedOrKept(String holder, BatchKey key) {
    if (kept.getOrDefault(holder, Set.of()).contains(key)) {
      return true;
    }
    for (List<BatchKey> request : asked.getOrDefault(holder, new ArrayDeque<>())) {
      if (request.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Remembers requests sent for another reason than idle slots (a higher priority waits), so that
   * the holders' answers, which come in order, are matched to the right request.
   */
  void asking(List<Recall> recalls) {
    for (Recall recall : recalls) {
      asked
          .computeIfAbsent(recall.holder().id(), id -> new ArrayDeque<>())
          .addLast(recall.batches());
    }
  }

  /**
   * A holder answered its oldest request: it gave back {@code given}; what else was asked for had
   * started there and stays.
   */
  public void answered(String holder, List<BatchKey> given) {
    ArrayDeque<List<BatchKey>> requests = asked.get(holder);
    List<BatchKey> request = requests == null ? null : requests.pollFirst();
    if (request == null) {
      return;
    }
    if (requests.isEmpty()) {
      asked.remove(holder);
    }
    Set<BatchKey> returned = Set.copyOf(given);
    for (BatchKey key : request) {
      if (!returned.contains(key)) {
        kept.computeIfAbsent(holder, id -> new HashSet<>()).add(key);
      }
    }
  }

  /** Requests sent and not answered, in batches. */
  int pendingCount() {
    int count = 0;
    for (ArrayDeque<List<BatchKey>> requests : asked.values()) {
      for (List<BatchKey> request : requests) {
        count += request.size();
      }
    }
    return count;
  }

  /** Forgets what concerns nodes that are gone and batches their holders no longer hold. */
  private void forgetSettled(NodeTable nodes) {
    asked.keySet().removeIf(id -> nodes.get(id).isEmpty());
    for (Iterator<Map.Entry<String, Set<BatchKey>>> it = kept.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Set<BatchKey>> entry = it.next();
      Optional<NodeTable.Node> node = nodes.get(entry.getKey());
      if (node.isEmpty()) {
        it.remove();
        continue;
      }
      entry.getValue().removeIf(key -> !node.get().outstanding().contains(key));
      if (entry.getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  /**
   * The nodes holding batches queued beyond their slots, with those that may move, newest first.
   */
  private List<Holder> holders(
      NodeTable nodes, List<IdleNode> idle, Function<BatchKey, Optional<Held>> held) {
    Set<String> idleTasks = new HashSet<>();
    idle.forEach(slot -> idleTasks.addAll(slot.node.runs()));
    List<Holder> holders = new ArrayList<>();
    for (NodeTable.Node node : nodes.nodes()) {
      Set<BatchKey> asking = new HashSet<>();
      asked.getOrDefault(node.id(), new ArrayDeque<>()).forEach(asking::addAll);
      // What is asked for leaves the node's queue; what is left beyond a batch per slot may move.
      int surplus = node.outstanding().size() - node.slots() - asking.size();
      if (!node.available() || surplus <= 0) {
        continue;
      }
      Set<BatchKey> keptHere = kept.getOrDefault(node.id(), Set.of());
      List<Candidate> candidates = new ArrayList<>();
      for (BatchKey key : node.outstanding()) {
        if (node.running().contains(key) || asking.contains(key) || keptHere.contains(key)) {
          continue;
        }
        held.apply(key)
            .filter(batch -> idleTasks.contains(batch.task()))
            .filter(batch -> batch.expectedNanos() < 0 || batch.expectedNanos() >= minNanos)
            .ifPresent(batch -> candidates.add(new Candidate(key, batch)));
      }
      if (!candidates.isEmpty()) {
        candidates.sort(
            Comparator.comparingLong((Candidate c) -> c.key().batch())
                .reversed()
                .thenComparing(c -> c.key().job()));
        holders.add(new Holder(node, surplus, new ArrayDeque<>(candidates)));
      }
    }
    return holders;
  }

  /**
   * Takes an idle slot of a node that runs the batch's task and has the labels its job requires;
   * false when none is left.
   */
  private static boolean takeIdleSlot(List<IdleNode> idle, Held batch) {
    for (IdleNode slot : idle) {
      if (slot.free > 0 && slot.node.serves(batch.task(), batch.require())) {
        slot.free--;
        return true;
      }
    }
    return false;
  }

  private static final class IdleNode {
    final NodeTable.Node node;
    int free;

    IdleNode(NodeTable.Node node, int free) {
      this.node = node;
      this.free = free;
    }
  }

  private record Candidate(BatchKey key, Held batch) {}

  private static final class Holder {
    final NodeTable.Node node;
    int surplus;
    final ArrayDeque<Candidate> candidates;

    Holder(NodeTable.Node node, int surplus, ArrayDeque<Candidate> candidates) {
      this.node = node;
      this.surplus = surplus;
      this.candidates = candidates;
    }

    int surplus() {
      return surplus;
    }
  }
}
