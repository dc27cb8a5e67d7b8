package cohort.coordinator.job;

import io.vavr.collection.TreeMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The results of an ordered job that wait for earlier inputs: an immutable value. A block leaves
 * once every input before it has left, so results reach the client in input order.
 *
 * <p>The job bounds how far dispatch may run ahead of {@link #next()}, which bounds what waits
 * here.
 */
public final class ReorderBuffer {

  private static final ReorderBuffer EMPTY = new ReorderBuffer(TreeMap.empty(), 0);

  private final TreeMap<Long, ResultBlock> waiting;
  private final long next;

  private ReorderBuffer(TreeMap<Long, ResultBlock> waiting, long next) {
    this.waiting = waiting;
    this.next = next;
  }

  /** A buffer waiting for input 0. */
  public static ReorderBuffer empty() {
    return EMPTY;
  }

  /** A buffer waiting for input {@code next}: every input before it has left already. */
  public static ReorderBuffer startingAt(long next) {
    if (next < 0) {
      throw new IllegalArgumentException("input " + next + " does not exist");
    }
    return next == 0 ? EMPTY : new ReorderBuffer(TreeMap.empty(), next);
  }

  /**
   * The buffer after blocks came in, and the blocks that may leave now.
   *
   * @param buffer what still waits
   * @param ready blocks in input order, contiguous from the old {@link #next()}
   */
  public record Released(ReorderBuffer buffer, List<ResultBlock> ready) {}

  /** Takes in blocks of results, in any order, and lets out those whose turn has come. */
  public Released add(List<ResultBlock> blocks) {
    TreeMap<Long, ResultBlock> held = waiting;
    for (ResultBlock block : blocks) {
      if (block.firstIndex() < next || held.containsKey(block.firstIndex())) {
        throw new IllegalArgumentException(
            "results from input " + block.firstIndex() + " arrived twice");
      }
      held = held.put(block.firstIndex(), block);
    }
    List<ResultBlock> ready = new ArrayList<>();
    long at = next;
    while (!held.isEmpty() && held.head()._1() == at) {
      ResultBlock block = held.head()._2();
      held = held.tail();
      ready.add(block);
      at += block.size();
    }
    return new Released(new ReorderBuffer(held, at), ready);
  }

  /** Every block still waiting, in input order: what a cancelled job lets out as it is. */
  public List<ResultBlock> waiting() {
    return waiting.values().toJavaList();
  }

  /** The index of the first input whose result has not left. */
  public long next() {
    return next;
  }

  /** How many blocks wait. */
  public int size() {
    return waiting.size();
  }
}
