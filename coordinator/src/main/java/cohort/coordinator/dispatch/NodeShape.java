package cohort.coordinator.dispatch;

import cohort.api.labels.Requirement;
import io.vavr.collection.HashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What follows from the nodes and not from their batches: each node's place, slots, capacity and
 * whether it takes work, in plain arrays a round of dispatch reads without walking the hash trie,
 * and per-task sums filled as they are asked for (by task and required labels: {@link #key}).
 * Batches taken, started and returned leave it as it is, so the tables those make share it; any
 * other change makes a new one. Thread-safe: a table also travels to the admission desk and the
 * HTTP views.
 */
final class NodeShape {
  final String[] ids;
  final java.util.Map<String, Integer> places;
  final int[] slots;
  final int[] capacity;
  final boolean[] available;
  final ConcurrentHashMap<String, Integer> slotsFor = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, Integer> capacityFor = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, java.util.Set<String>> candidates = new ConcurrentHashMap<>();

  NodeShape(HashMap<String, NodeTable.Node> nodes) {
    int n = nodes.size();
    ids = new String[n];
    places = new java.util.HashMap<>(n * 2);
    slots = new int[n];
    capacity = new int[n];
    available = new boolean[n];
    int place = 0;
    for (NodeTable.Node node : nodes.valuesIterator()) {
      ids[place] = node.id();
      places.put(node.id(), place);
      slots[place] = node.slots();
      capacity[place] = node.capacity();
      available[place] = node.available();
      place++;
    }
  }

  /** The key of the per-task answers: the task, and the labels its job requires, if any. */
  static String key(String task, Requirement require) {
    return require.isEmpty() ? task : task + '\n' + require.key();
  }

  /** Slots of every node. */
  int totalSlots() {
    int total = 0;
    for (int place = 0; place < slots.length; place++) {
      total += slots[place];
    }
    return total;
  }
}
