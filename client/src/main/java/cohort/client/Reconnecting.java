package cohort.client;

import cohort.api.Result;
import java.time.Duration;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A job's results that survive a coordinator restart: when the stream breaks because the
 * coordinator went away, the reader asks again, for as long as the reconnect timeout, and goes on
 * from the first result it has not seen ({@code ?from=N}), so no result comes twice and none is
 * missed. A coordinator that keeps its jobs (a data folder) comes back with the job where it was.
 */
public final class Reconnecting {

  /** Told when the stream breaks and when it goes on, for a user watching. */
  public interface Listener {

    /** The stream broke after {@code delivered} results; the reader tries again. */
    void lost(String reason, long delivered);

    /** The stream goes on from result {@code delivered}. */
    void back(long delivered);

    /** A listener that says nothing. */
    Listener QUIET =
        new Listener() {
          @Override
          public void lost(String reason, long delivered) {}

          @Override
          public void back(long delivered) {}
        };
  }

  /** The longest wait between two tries. */
  private static final Duration MAX_PAUSE = Duration.ofMillis(500);

  private Reconnecting() {}

  /**
   * A job's results as JSON lines, reconnecting for up to {@code timeout} when the stream breaks.
   */
  public static Stream<String> lines(JobApi api, String id, Duration timeout, Listener listener) {
    return follow(api::resultLines, id, timeout, listener);
  }

  /** A job's results, reconnecting for up to {@code timeout} when the stream breaks. */
  public static Stream<Result> results(JobApi api, String id, Duration timeout, Listener listener) {
    return follow(api::results, id, timeout, listener);
  }

  static <T> Stream<T> follow(
      BiFunction<String, Long, Stream<T>> open, String id, Duration timeout, Listener listener) {
    Following<T> following = new Following<>(open, id, timeout, listener);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                following, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(following::close);
  }

  /**
   * The answer of {@code call}, asked again while the coordinator cannot be reached, for up to
   * {@code timeout}: one that restarts answers once it is back. Any other failure stands at once.
   *
   * @throws CohortException the last failure, when the coordinator did not come back in time
   */
  public static <T> T call(Supplier<T> call, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 100;
    while (true) {
      try {
        return call.get();
      } catch (CohortException e) {
        long left = deadline - System.nanoTime();
        if (!Following.lostConnection(e) || left <= 0) {
          throw e;
        }
        try {
          Thread.sleep(Math.max(1, Math.min(pause, left / 1_000_000)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = Math.min(pause * 2, MAX_PAUSE.toMillis());
      }
    }
  }

  private static final class Following<T> implements Iterator<T> {
    private final BiFunction<String, Long, Stream<T>> open;
    private final String id;
    private final Duration timeout;
    private final Listener listener;
    private Stream<T> stream;
    private Iterator<T> items;
    private long delivered;

    Following(
        BiFunction<String, Long, Stream<T>> open, String id, Duration timeout, Listener listener) {
      this.open = open;
      this.id = id;
      this.timeout = timeout;
      this.listener = listener;
      try {
        this.stream = open.apply(id, 0L);
        this.items = stream.iterator();
      } catch (CohortException e) {
        // The coordinator went away between accepting the job and this first read (the chaos
        // run saw it): wait for it as for one that went away later, or a streamed job whose
        // client gave up here would wait for its inputs forever.
        if (!lostConnection(e) || timeout.isZero()) {
          throw e;
        }
        reconnect(e);
      }
    }

    @Override
    public boolean hasNext() {
      while (true) {
        try {
          return items.hasNext();
        } catch (CohortException e) {
          if (!lostConnection(e) || timeout.isZero()) {
            throw e;
          }
          reconnect(e);
        }
      }
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      T item = items.next();
      delivered++;
      return item;
    }

    /** Opens the stream again from the first result not delivered, until the timeout runs out. */
    private void reconnect(CohortException lost) {
      listener.lost(lost.getMessage(), delivered);
      close();
      long deadline = System.nanoTime() + timeout.toNanos();
      long pause = 100;
      CohortException last = lost;
      while (System.nanoTime() < deadline) {
        try {
          Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw lost;
        }
        pause = Math.min(pause * 2, MAX_PAUSE.toMillis());
        try {
          stream = open.apply(id, delivered);
          items = stream.iterator();
          listener.back(delivered);
          return;
        } catch (CohortException e) {
          if (e.httpStatus() == 404) {
            throw new CohortException(
                "the coordinator came back without job "
                    + id
                    + ": it was started on another data folder, or on none; the "
                    + delivered
                    + " results read so far are all it kept of it",
                404,
                e);
          }
          if (!lostConnection(e)) {
            throw e;
          }
          last = e;
        }
      }
      throw new CohortException(
          last.getMessage()
              + "; it did not come back within "
              + timeout.toSeconds()
              + " s (--reconnect-timeout). Once it is back, 'cohort status "
              + id
              + "' says where the job is",
          0,
          last);
    }

    /** Whether the coordinator went away, rather than refused or the reader was interrupted. */
    private static boolean lostConnection(CohortException e) {
      return e.unreachable() && !Thread.currentThread().isInterrupted();
    }

    void close() {
      if (stream != null) {
        stream.close();
        stream = null;
      }
    }
  }
}
