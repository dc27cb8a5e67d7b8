package cohort.coordinator.blobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Blobs the client keeps until a node asks for them: the nodes that wait for such a blob, the
 * requests the client has not yet been told of, and the client's pending question "which files do
 * the nodes want?". A node that sees the client's file reads it in place and never asks, so the
 * bytes travel only to the nodes that need them. Thread-safe (one lock), no I/O, no actors: the
 * HTTP routes call it and complete their answers from its futures.
 */
final class BlobWaits {

  private final Object lock = new Object();
  private final Map<String, List<CompletableFuture<Boolean>>> waiting = new HashMap<>();
  private final Map<String, Set<String>> arrived = new HashMap<>();
  private final Map<String, Set<String>> wanted = new HashMap<>();
  private final Map<String, CompletableFuture<Optional<List<String>>>> polls = new HashMap<>();

  /**
   * A node asks for {@code blob} of {@code job}: completes with true once the client has sent it
   * (at once if it has), false when the job ended first. The client is told of the request.
   */
  CompletableFuture<Boolean> await(String job, String blob) {
    CompletableFuture<Optional<List<String>>> poll;
    List<String> tell;
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    synchronized (lock) {
      if (arrived.getOrDefault(job, Set.of()).contains(blob)) {
        return CompletableFuture.completedFuture(true);
      }
      List<CompletableFuture<Boolean>> nodes =
          waiting.computeIfAbsent(blob, b -> new ArrayList<>());
      nodes.add(done);
      if (nodes.size() > 1) {
        return done; // the client was told already
      }
      wanted.computeIfAbsent(job, j -> new LinkedHashSet<>()).add(blob);
      poll = polls.remove(job);
      tell = poll == null ? null : take(job);
    }
    if (poll != null) {
      poll.complete(Optional.of(tell));
    }
    return done;
  }

  /** The client sent {@code blob}: the nodes waiting for it go on. */
  void arrived(String job, String blob) {
    List<CompletableFuture<Boolean>> nodes;
    synchronized (lock) {
      arrived.computeIfAbsent(job, j -> new HashSet<>()).add(blob);
      nodes = waiting.remove(blob);
    }
    if (nodes != null) {
      nodes.forEach(node -> node.complete(true));
    }
  }

  /**
   * The client asks which blobs nodes want: completes with those not yet told, at once when there
   * are some, else when the next is asked for; empty when the job ended. The caller bounds the
   * wait. A new question replaces an older one, which is answered with no blobs.
   */
  CompletableFuture<Optional<List<String>>> wanted(String job) {
    CompletableFuture<Optional<List<String>>> poll = new CompletableFuture<>();
    CompletableFuture<Optional<List<String>>> older;
    synchronized (lock) {
      List<String> now = take(job);
      if (!now.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.of(now));
      }
      older = polls.put(job, poll);
    }
    if (older != null) {
      older.complete(Optional.of(List.of()));
    }
    return poll;
  }

  /** The job ended: nodes waiting for its blobs and the client's question are answered. */
  void ended(String job) {
    String prefix = job + "/";
    List<CompletableFuture<Boolean>> nodes = new ArrayList<>();
    CompletableFuture<Optional<List<String>>> poll;
    synchronized (lock) {
      waiting
          .entrySet()
          .removeIf(
              entry -> {
                if (entry.getKey().startsWith(prefix)) {
                  nodes.addAll(entry.getValue());
                  return true;
                }
                return false;
              });
      arrived.remove(job);
      wanted.remove(job);
      poll = polls.remove(job);
    }
    nodes.forEach(node -> node.complete(false));
    if (poll != null) {
      poll.complete(Optional.empty());
    }
  }

  private List<String> take(String job) {
    Set<String> ids = wanted.remove(job);
    return ids == null ? List.of() : List.copyOf(ids);
  }
}
