package cohort.client.direct;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When to try a node's direct-call port again: never while a connection to it is alive, and not
 * within the back-off after its connection broke or an attempt to connect failed, counted from the
 * failure. The coordinator lists a lost node until its failure detector has spoken, and connecting
 * to a host that is gone waits for the connect timeout: without the back-off, every call would pay
 * that. Thread-safe.
 */
final class Reconnects {

  private final long backoffNanos;
  private final LongSupplier clock;

  /** When each address that could not be reached may be tried again, by {@link #clock}. */
  private final Map<String, Long> failedUntil = new ConcurrentHashMap<>();

  /**
   * @param backoffNanos how long an address gets no attempt after a failure
   * @param clock the time in nanoseconds, as {@link System#nanoTime}
   */
  Reconnects(long backoffNanos, LongSupplier clock) {
    this.backoffNanos = backoffNanos;
    this.clock = clock;
  }

  /**
   * Whether to try connecting to {@code address} now.
   *
   * @param current the connection to it, alive or broken, or null when there is none
   */
  boolean due(String address, NodeConnection current) {
    return current == null
        ? due(address, false, 0, false)
        : due(address, true, current.brokenAt(), current.alive());
  }

  /**
   * As {@link #due(String, NodeConnection)}, with the connection described by its state.
   *
   * @param hasConnection whether there is a connection, alive or broken
   * @param brokenAt when it broke, by the clock, if it is not alive
   * @param alive whether it is alive
   */
  boolean due(String address, boolean hasConnection, long brokenAt, boolean alive) {
    long now = clock.getAsLong();
    if (hasConnection && (alive || now - brokenAt < backoffNanos)) {
      return false;
    }
    Long until = failedUntil.get(address);
    return until == null || now - until >= 0;
  }

  /** An attempt to connect to {@code address} failed just now. */
  void failed(String address) {
    failedUntil.put(address, clock.getAsLong() + backoffNanos);
  }

  /** A connection to {@code address} opened: earlier failures no longer count. */
  void connected(String address) {
    failedUntil.remove(address);
  }
}
