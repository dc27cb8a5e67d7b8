package cohort.node;

/**
 * A source of nanosecond time, as {@link System#nanoTime()} gives it: what the watchdog measures
 * inputs and cancels with, so that tests can move the clock instead of waiting.
 */
@FunctionalInterface
interface Ticker {

  /** Nanoseconds since an arbitrary origin; only differences mean anything. */
  long read();

  /** The JVM's clock. */
  static Ticker system() {
    return System::nanoTime;
  }
}
