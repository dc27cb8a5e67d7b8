package cohort.coordinator.dispatch;

import io.vavr.collection.HashMap;

/**
 * How many batches each node holds, by its place in the {@link NodeShape}, in chunks: a change
 * copies one chunk and the array of chunks, a few hundred bytes for a thousand nodes. Never changed
 * once made.
 */
final class HeldCounts {
  private static final int CHUNK = 64;
  private final int[][] chunks;

  private HeldCounts(int[][] chunks) {
    this.chunks = chunks;
  }

  static HeldCounts of(NodeShape shape, HashMap<String, NodeTable.Node> nodes) {
    int n = shape.ids.length;
    int[][] chunks = new int[(n + CHUNK - 1) / CHUNK][];
    for (int c = 0; c < chunks.length; c++) {
      chunks[c] = new int[Math.min(CHUNK, n - c * CHUNK)];
    }
    for (int place = 0; place < n; place++) {
      chunks[place / CHUNK][place % CHUNK] = nodes.get(shape.ids[place]).get().outstanding().size();
    }
    return new HeldCounts(chunks);
  }

  int get(int place) {
    return chunks[place / CHUNK][place % CHUNK];
  }

  HeldCounts with(int place, int count) {
    if (get(place) == count) {
      return this;
    }
    int[][] copy = chunks.clone();
    int[] chunk = copy[place / CHUNK].clone();
    chunk[place % CHUNK] = count;
    copy[place / CHUNK] = chunk;
    return new HeldCounts(copy);
  }
}
