package cohort.cli;

/**
 * How the command-line process ends: without waiting on the JDK's HTTP client.
 *
 * <p>HotSpot, when a JVM exits, waits up to 300 ms for every thread that is inside native code to
 * leave it. The JDK's {@link java.net.http.HttpClient} keeps a selector thread per client blocked
 * in the kernel's {@code epoll_wait} for its whole life, and Java 17 has no way to close a client
 * ({@code HttpClient.close()} came in Java 21), so every command that spoke to a coordinator took
 * 300 ms longer to end than to do its work: half of a {@code cohort status}. The selector loop ends
 * when its thread is interrupted, so the process interrupts those threads once its command is done;
 * nothing else is still using them then. A library must not do this (the threads may serve its
 * caller's own clients); the process that owns every thread may.
 */
final class ProcessExit {

  private ProcessExit() {}

  /** Ends the process with {@code code}, once the HTTP clients' threads have let go. */
  static void exit(int code) {
    releaseHttpClients();
    System.exit(code);
  }

  /**
   * Interrupts the selector threads of the JDK's HTTP clients ({@code
   * HttpClient-N-SelectorManager}) and waits briefly for them to end. For the end of the process
   * only: the clients stop working.
   *
   * @return how many such threads there were
   */
  static int releaseHttpClients() {
    int released = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (name.startsWith("HttpClient-") && name.endsWith("-SelectorManager")) {
        thread.interrupt();
        released++;
        try {
          thread.join(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return released;
        }
      }
    }
    return released;
  }
}
