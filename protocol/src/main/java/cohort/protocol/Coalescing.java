package cohort.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * How small batches share messages and slot threads, in both directions: one rule for the
 * coordinator's batches to a node and a node's results back.
 *
 * <p>A batch of at most {@link #SMALL_BATCH} inputs is small: up to {@link #MAX_TOGETHER} small
 * batches travel in one message, and a slot runs as many back to back, so tiny tasks pay for one
 * message and one thread hand-off per group rather than per batch. A large batch travels and runs
 * alone. A group is also cut before its payload passes {@link Payloads#TARGET_MESSAGE_BYTES}, well
 * within the transport's frame.
 */
public final class Coalescing {

  /** Batches of at most this many inputs are small. */
  public static final int SMALL_BATCH = 16;

  /** Small batches in one message, and in one slot's run, at most. */
  public static final int MAX_TOGETHER = 64;

  private Coalescing() {}

  /** Whether a batch of {@code inputs} inputs is small. */
  public static boolean small(int inputs) {
    return inputs <= SMALL_BATCH;
  }

  /**
   * Cuts {@code items} into groups in their order: consecutive small items share a group of at most
   * {@link #MAX_TOGETHER} and about {@link Payloads#TARGET_MESSAGE_BYTES}; an item that is not
   * small is a group of its own, in its place, so the receiver sees every item in the order given.
   *
   * @param small whether an item may share a group
   * @param bytes an item's estimated payload size
   */
  public static <T> List<List<T>> groups(
      List<T> items, Predicate<T> small, ToLongFunction<T> bytes) {
    List<List<T>> groups = new ArrayList<>();
    List<T> group = new ArrayList<>();
    long groupBytes = 0;
    for (T item : items) {
      if (!small.test(item)) {
        if (!group.isEmpty()) {
          groups.add(group);
          group = new ArrayList<>();
          groupBytes = 0;
        }
        groups.add(List.of(item));
        continue;
      }
      long size = bytes.applyAsLong(item);
      if (!group.isEmpty()
          && (group.size() == MAX_TOGETHER || groupBytes + size > Payloads.TARGET_MESSAGE_BYTES)) {
        groups.add(group);
        group = new ArrayList<>();
        groupBytes = 0;
      }
      group.add(item);
      groupBytes += size;
    }
    if (!group.isEmpty()) {
      groups.add(group);
    }
    return groups;
  }

  /**
   * How many items from the start of {@code queue} one slot takes for a run: every small one in a
   * row, up to {@link #MAX_TOGETHER}, or the first alone when it is large.
   *
   * @param inputs an item's input count
   */
  public static <T> int runLength(Iterable<T> queue, ToIntFunction<T> inputs) {
    int length = 0;
    for (T item : queue) {
      boolean isSmall = small(inputs.applyAsInt(item));
      if (length == 0 && !isSmall) {
        return 1;
      }
      if (!isSmall || length == MAX_TOGETHER) {
        break;
      }
      length++;
    }
    return length;
  }
}
