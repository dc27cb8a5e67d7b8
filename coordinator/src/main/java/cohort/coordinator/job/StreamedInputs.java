package cohort.coordinator.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The inputs of a streamed job that have arrived and not gone out yet: a ring buffer the HTTP
 * upload appends to and dispatch reads from by index. The coordinator admits inputs only while the
 * job's buffer has room, so this holds a bounded number of inputs however long the stream.
 *
 * <p>Used by the coordinator actor only; not thread-safe.
 */
public final class StreamedInputs implements InputSource {

  private JsonNode[] ring = new JsonNode[64];
  private int head;
  private int count;
  private long first;

  StreamedInputs() {}

  /**
   * The inputs of a streamed job that goes on after a restart: those from index {@code first} on,
   * earlier ones having their results already.
   */
  public static StreamedInputs resumed(long first, List<JsonNode> inputs) {
    StreamedInputs resumed = new StreamedInputs();
    resumed.first = first;
    resumed.append(inputs);
    return resumed;
  }

  @Override
  public boolean isStreamed() {
    return true;
  }

  @Override
  public void append(List<JsonNode> inputs) {
    if (count + inputs.size() > ring.length) {
      grow(count + inputs.size());
    }
    for (JsonNode input : inputs) {
      ring[(head + count) % ring.length] = input;
      count++;
    }
  }

  private void grow(int needed) {
    int capacity = ring.length;
    while (capacity < needed) {
      capacity *= 2;
    }
    JsonNode[] bigger = new JsonNode[capacity];
    for (int i = 0; i < count; i++) {
      bigger[i] = ring[(head + i) % ring.length];
    }
    ring = bigger;
    head = 0;
  }

  @Override
  public long size() {
    return first + count;
  }

  @Override
  public JsonNode get(long index) {
    if (index < first || index >= size()) {
      throw new IndexOutOfBoundsException(
          "input " + index + " is not buffered (buffered: " + first + " to " + (size() - 1) + ")");
    }
    return ring[(int) ((head + (index - first)) % ring.length)];
  }

  @Override
  public void releaseBefore(long index) {
    while (first < index && count > 0) {
      ring[head] = null;
      head = (head + 1) % ring.length;
      count--;
      first++;
    }
  }

  /** Inputs held now: bounded however long the stream, as its tests show. */
  int buffered() {
    return count;
  }
}
