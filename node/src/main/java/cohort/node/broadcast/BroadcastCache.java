package cohort.node.broadcast;

import cohort.api.code.CodeRef;
import cohort.api.code.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcasts a node keeps on its disk, one file per digest ({@code SHA256.bin}), so each
 * travels to the node once however many of its jobs, batches and inputs use it.
 *
 * <p>{@link #acquire} gives a broadcast's file, fetching it when the node has not got it: while one
 * caller fetches, the others asking for the same digest wait for that fetch rather than start their
 * own. A broadcast is in use from {@link #acquire} to {@link #release}. Beyond {@code maxBytes} the
 * broadcasts not in use go, least recently used first; one in use stays whatever its size. A file
 * found on disk at start (kept from an earlier run) is checked against its digest the first time it
 * is used. A failed fetch is not remembered: the next caller tries again. Thread-safe; {@link
 * #acquire} blocks, so call it off actors.
 */
public final class BroadcastCache {

  private static final Logger LOG = LoggerFactory.getLogger(BroadcastCache.class);

  /** Where a broadcast's bytes come from when the node has not got them. */
  public interface Source {
    /**
     * Writes the broadcast's bytes to {@code into}; blocks.
     *
     * @return the SHA-256 of what was written
     * @throws IOException saying why the bytes could not be had
     */
    String fetch(String digest, Path into) throws IOException, InterruptedException;
  }

  private static final class Entry {
    /** Completes with the file once it is here and checked; null until someone asks for it. */
    CompletableFuture<Path> ready;

    int users;
    long size;
    long lastUsed;
  }

  private final Path folder;
  private final long maxBytes;
  private final Source source;
  private final LongSupplier clock;
  private final Map<String, Entry> entries = new HashMap<>();
  private long fetches;

  /**
   * @param folder where the files are kept; this cache must be the only one using it
   * @param maxBytes bytes kept at most, beside those in use
   * @param source where missing broadcasts come from
   * @param clock orders uses, such as {@link System#nanoTime}
   */
  public BroadcastCache(Path folder, long maxBytes, Source source, LongSupplier clock)
      throws IOException {
    this.folder = folder;
    this.maxBytes = maxBytes;
    this.source = source;
    this.clock = clock;
    Files.createDirectories(folder);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(".part")) {
          Files.deleteIfExists(file); // a fetch a crash cut off
        } else if (name.endsWith(".bin") && name.length() == 68) {
          Entry kept = new Entry();
          kept.size = Files.size(file);
          kept.lastUsed = Long.MIN_VALUE; // older than anything this run uses
          entries.put(name.substring(0, 64), kept);
        }
      }
    }
  }

  /**
   * The broadcast's file, fetched once if the node has not got it; the caller must {@link #release}
   * it when done.
   *
   * @throws IOException saying why the broadcast could not be had
   * @throws InterruptedException when interrupted while waiting; nothing is then held
   */
  public Path acquire(String digest) throws IOException, InterruptedException {
    CodeRef.checkDigest(digest);
    CompletableFuture<Path> ready;
    boolean fetcher = false;
    synchronized (this) {
      Entry entry = entries.computeIfAbsent(digest, d -> new Entry());
      entry.users++;
      entry.lastUsed = clock.getAsLong();
      if (entry.ready == null) {
        entry.ready = new CompletableFuture<>();
        fetcher = true;
      }
      ready = entry.ready;
    }
    if (fetcher) {
      load(digest, ready);
    }
    try {
      return ready.get();
    } catch (InterruptedException e) {
      release(digest);
      throw e;
    } catch (ExecutionException e) {
      release(digest);
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    }
  }

  /** Makes the file ready, or fails {@code ready} and forgets the entry so a later call retries. */
  private void load(String digest, CompletableFuture<Path> ready) {
    Path file = folder.resolve(digest + ".bin");
    try {
      if (Files.isRegularFile(file) && digest.equals(Sha256.of(file))) {
        settle(digest, file, ready);
        return;
      }
      Files.deleteIfExists(file);
      long start = System.nanoTime();
      Path part = Files.createTempFile(folder, digest, ".part");
      try {
        String got = source.fetch(digest, part);
        if (!digest.equals(got)) {
          throw new IOException(
              "broadcast "
                  + CodeRef.shortDigest(digest)
                  + " arrived with the SHA-256 "
                  + got
                  + ": it was changed on the way");
        }
        Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(part);
      }
      synchronized (this) {
        fetches++;
      }
      LOG.info(
          "fetched broadcast {} ({} KiB) in {} ms",
          CodeRef.shortDigest(digest),
          Files.size(file) >> 10,
          (System.nanoTime() - start) / 1_000_000);
      settle(digest, file, ready);
    } catch (IOException | RuntimeException e) {
      fail(digest, ready, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(
          digest,
          ready,
          new InterruptedIOException(
              "interrupted while fetching broadcast " + CodeRef.shortDigest(digest)));
    }
  }

  private void settle(String digest, Path file, CompletableFuture<Path> ready) throws IOException {
    long size = Files.size(file);
    synchronized (this) {
      entries.get(digest).size = size;
      evictOverMax();
    }
    ready.complete(file);
  }

  private void fail(String digest, CompletableFuture<Path> ready, Exception failure) {
    synchronized (this) {
      Entry entry = entries.get(digest);
      if (entry != null && entry.ready == ready) {
        entry.ready = null; // the next acquire fetches again
      }
    }
    ready.completeExceptionally(failure);
  }

  /** The caller is done with the broadcast's file. */
  public synchronized void release(String digest) {
    Entry entry = entries.get(digest);
    if (entry == null || entry.users == 0) {
      return;
    }
    entry.users--;
    entry.lastUsed = clock.getAsLong();
    if (entry.users == 0 && entry.ready == null) {
      entries.remove(digest); // its fetch failed and nobody waits for it
    } else {
      evictOverMax();
    }
  }

  /** Deletes the least recently used broadcasts not in use while the cache holds too much. */
  private void evictOverMax() {
    long total = entries.values().stream().mapToLong(entry -> entry.size).sum();
    if (total <= maxBytes) {
      return;
    }
    List<Map.Entry<String, Entry>> idle = new ArrayList<>();
    for (Map.Entry<String, Entry> each : entries.entrySet()) {
      Entry entry = each.getValue();
      if (entry.users == 0 && (entry.ready == null || entry.ready.isDone())) {
        idle.add(each);
      }
    }
    idle.sort(Comparator.comparingLong(each -> each.getValue().lastUsed));
    for (Map.Entry<String, Entry> oldest : idle) {
      if (total <= maxBytes) {
        break;
      }
      try {
        Files.deleteIfExists(folder.resolve(oldest.getKey() + ".bin"));
      } catch (IOException e) {
        LOG.warn(
            "could not remove broadcast {} from {}: {}",
            CodeRef.shortDigest(oldest.getKey()),
            folder,
            e.getMessage());
        continue;
      }
      total -= oldest.getValue().size;
      entries.remove(oldest.getKey());
    }
  }

  /**
   * The cache a node's settings ask for: {@code cohort.node.broadcast-cache} (a base folder, in
   * which this node claims a numbered folder of its own; empty for cohort-broadcast-USER in the
   * JVM's temporary folder) bounded by {@code cohort.node.broadcast-cache-max}.
   *
   * @throws IllegalArgumentException naming a bad setting
   * @throws IOException when no folder can be claimed
   */
  public static BroadcastCache fromConfig(
      com.typesafe.config.Config config, cohort.node.NodeAccess access) throws IOException {
    long max = config.getBytes("cohort.node.broadcast-cache-max");
    if (max < 1) {
      throw new IllegalArgumentException(
          "cohort.node.broadcast-cache-max = " + max + " must be positive, such as 4GiB");
    }
    String base = config.getString("cohort.node.broadcast-cache").trim();
    Path folder =
        base.isEmpty()
            ? Path.of(
                System.getProperty("java.io.tmpdir"),
                "cohort-broadcast-" + System.getProperty("user.name"))
            : Path.of(base);
    return new BroadcastCache(
        CacheFolder.claim(folder), max, new HttpSource(access), System::nanoTime);
  }

  /** Broadcasts fetched since this cache was made. */
  public synchronized long fetches() {
    return fetches;
  }

  /** Whether the broadcast is on this node's disk now. */
  public synchronized boolean holds(String digest) {
    return entries.containsKey(digest) && Files.isRegularFile(folder.resolve(digest + ".bin"));
  }

  /** Bytes of the broadcasts kept now. */
  public synchronized long bytes() {
    return entries.values().stream().mapToLong(entry -> entry.size).sum();
  }
}
