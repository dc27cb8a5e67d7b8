package cohort.node.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.code.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's broadcast files: fetched once per digest, kept by digest, bounded in size. */
class BroadcastCacheTest {

  @TempDir Path dir;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicLong clock = new AtomicLong();

  /** Bytes served by digest, as the coordinator would; counts the fetches of each. */
  private final class Served implements BroadcastCache.Source {
    final Map<String, byte[]> bytes = new HashMap<>();
    final Map<String, AtomicInteger> fetched = new HashMap<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile boolean failing;

    String add(String text) {
      byte[] data = text.getBytes();
      String digest = digest(data);
      bytes.put(digest, data);
      fetched.put(digest, new AtomicInteger());
      return digest;
    }

    @Override
    public String fetch(String digest, Path into) throws IOException, InterruptedException {
      fetched.get(digest).incrementAndGet();
      entered.countDown();
      gate.await();
      if (failing) {
        throw new IOException("the coordinator is away");
      }
      Files.write(into, bytes.get(digest));
      return Sha256.of(into);
    }
  }

  private final Served served = new Served();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private BroadcastCache cache(long max) throws IOException {
    return new BroadcastCache(dir, max, served, () -> clock.incrementAndGet());
  }

  /** Tests that callers asking for a digest at once share one fetch, and later ones none. */
  @Test
  void fetchesEachDigestOnceForConcurrentCallers() throws Exception {
    BroadcastCache cache = cache(1 << 20);
    String digest = served.add("model weights");
    served.gate = new CountDownLatch(1);
    List<Future<Path>> waiting = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      waiting.add(threads.submit(() -> cache.acquire(digest)));
    }
    served.gate.countDown();
    for (Future<Path> each : waiting) {
      assertThat(Files.readString(each.get(10, TimeUnit.SECONDS))).isEqualTo("model weights");
    }
    assertThat(cache.acquire(digest)).isEqualTo(dir.resolve(digest + ".bin"));
    assertThat(served.fetched.get(digest)).hasValue(1);
    assertThat(cache.fetches()).isEqualTo(1);
  }

  /** Tests that a new cache over the same folder uses the files kept there, fetching nothing. */
  @Test
  void keepsFilesForTheNextStart() throws Exception {
    String digest = served.add("index");
    cache(1 << 20).acquire(digest);
    BroadcastCache again = cache(1 << 20);
    assertThat(Files.readString(again.acquire(digest))).isEqualTo("index");
    assertThat(served.fetched.get(digest)).hasValue(1);
    assertThat(again.fetches()).isZero();
  }

  /** Tests that a kept file whose bytes changed on disk is fetched again, not used. */
  @Test
  void fetchesAgainAFileChangedOnDisk() throws Exception {
    String digest = served.add("index");
    Path file = cache(1 << 20).acquire(digest);
    Files.writeString(file, "tampered");
    assertThat(Files.readString(cache(1 << 20).acquire(digest))).isEqualTo("index");
    assertThat(served.fetched.get(digest)).hasValue(2);
  }

  /** Tests that a failed fetch fails its waiters and is tried again by the next caller. */
  @Test
  void triesAgainAfterAFailedFetch() throws Exception {
    BroadcastCache cache = cache(1 << 20);
    String digest = served.add("data");
    served.failing = true;
    assertThatThrownBy(() -> cache.acquire(digest)).hasMessage("the coordinator is away");
    served.failing = false;
    assertThat(Files.readString(cache.acquire(digest))).isEqualTo("data");
    assertThat(served.fetched.get(digest)).hasValue(2);
  }

  /** Tests that beyond the bound the least recently used idle broadcast goes, never one in use. */
  @Test
  void evictsTheLeastRecentlyUsedIdleBroadcasts() throws Exception {
    BroadcastCache cache = cache(20);
    String a = served.add("aaaaaaaaaa");
    String b = served.add("bbbbbbbbbb");
    String c = served.add("cccccccccc");
    cache.acquire(a);
    cache.release(a);
    cache.acquire(b); // b stays in use
    cache.acquire(c);
    cache.release(c);
    assertThat(cache.holds(a)).isFalse();
    assertThat(cache.holds(b)).isTrue();
    assertThat(cache.holds(c)).isTrue();
    assertThat(cache.bytes()).isEqualTo(20);
    String d = served.add("dddddddddd");
    cache.acquire(d);
    assertThat(cache.holds(b)).as("in use").isTrue();
    assertThat(cache.holds(c)).isFalse();
    cache.acquire(a); // fetched again after its eviction
    assertThat(served.fetched.get(a)).hasValue(2);
  }

  /** Tests that a broadcast in use larger than the bound is kept while in use. */
  @Test
  void keepsABroadcastInUseWhateverItsSize() throws Exception {
    BroadcastCache cache = cache(4);
    String big = served.add("more than four bytes");
    Path file = cache.acquire(big);
    assertThat(Files.exists(file)).isTrue();
    cache.release(big);
    assertThat(Files.exists(file)).isFalse();
  }

  /** Tests that an interrupted waiter holds nothing, while the fetch goes on for others. */
  @Test
  void anInterruptedWaiterHoldsNothing() throws Exception {
    BroadcastCache cache = cache(1 << 20);
    String digest = served.add("slow");
    served.gate = new CountDownLatch(1);
    Future<Path> fetcher = threads.submit(() -> cache.acquire(digest));
    served.entered.await(); // the fetch is under way: the next caller waits for it
    CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                cache.acquire(digest);
                interrupted.complete(null);
              } catch (Exception e) {
                interrupted.complete(e);
              }
            });
    waiter.start();
    waiter.interrupt();
    assertThat(interrupted.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    served.gate.countDown();
    assertThat(Files.readString(fetcher.get(10, TimeUnit.SECONDS))).isEqualTo("slow");
  }

  private static String digest(byte[] data) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return java.util.HexFormat.of().formatHex(sha.digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
