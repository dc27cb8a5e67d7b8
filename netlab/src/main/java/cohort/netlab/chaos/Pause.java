package cohort.netlab.chaos;

/** The lengths of faults and of the gaps between them: chosen waits, not waits for readiness. */
final class Pause {

  private Pause() {}

  static void millis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
