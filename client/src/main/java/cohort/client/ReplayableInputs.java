package cohort.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A streamed job's inputs as the upload sends them, kept until the coordinator has them for good,
 * so an upload cut by a coordinator restart goes on from the first input the coordinator does not
 * have, even when the source (stdin, a pipe) cannot be read again. What is kept is trimmed as the
 * coordinator's count of inputs grows; it holds what the TCP buffers and the coordinator's
 * admission let through meanwhile, not the whole stream.
 *
 * <p>Thread-safe: the upload reads it while a poller trims it.
 */
final class ReplayableInputs {

  private final Iterator<? extends JsonNode> source;

  /** Kept inputs: {@code kept[head..]} are inputs {@code first, first + 1, ...}. */
  private ArrayList<JsonNode> kept = new ArrayList<>();

  private int head;

  /** The index of the first input kept. */
  private long first;

  ReplayableInputs(Iterator<? extends JsonNode> source) {
    this.source = source;
  }

  /** Forgets the inputs before {@code index}: the coordinator has them. */
  synchronized void trimBefore(long index) {
    while (first < index && head < kept.size()) {
      kept.set(head++, null);
      first++;
    }
    if (head > 1024 && head * 2 > kept.size()) {
      kept = new ArrayList<>(kept.subList(head, kept.size()));
      head = 0;
    }
  }

  private int size() {
    return kept.size() - head;
  }

  /**
   * The inputs from {@code index} on: those kept, then the source's next ones.
   *
   * @throws IllegalStateException when inputs from {@code index} were trimmed already
   */
  synchronized Iterator<JsonNode> from(long index) {
    if (index < first || index > first + size()) {
      throw new IllegalStateException(
          "the coordinator has "
              + index
              + " inputs, but this upload kept inputs "
              + first
              + " to "
              + (first + size())
              + " only; submit the job again");
    }
    return new Iterator<>() {
      private long next = index;

      @Override
      public boolean hasNext() {
        synchronized (ReplayableInputs.this) {
          return next < first + size() || source.hasNext();
        }
      }

      @Override
      public JsonNode next() {
        synchronized (ReplayableInputs.this) {
          if (next < first + size()) {
            JsonNode input = kept.get(head + (int) (next - first));
            next++;
            return input;
          }
          if (!source.hasNext()) {
            throw new NoSuchElementException();
          }
          JsonNode input = source.next();
          kept.add(input);
          next++;
          return input;
        }
      }
    };
  }
}
