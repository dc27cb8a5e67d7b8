package cohort.coordinator.job;

import java.time.Instant;

/**
 * Where and when a block of results ran, for the job log: the node, which attempt it was, when its
 * batch went out and how long the task took per input. A block made before this was kept (a test,
 * an old log) has {@link #UNKNOWN}.
 *
 * @param node the node's {@code host:port}, or "-" when unknown
 * @param attempt 1 when the inputs ran for the first time; 0 when unknown
 * @param sentAt when the batch went out to the node; {@link Instant#EPOCH} when unknown
 * @param nanosPerInput the task's busy time for the block's part of the batch, divided by its
 *     inputs: the node measures parts, not single inputs
 */
public record Origin(String node, int attempt, Instant sentAt, long nanosPerInput) {

  /** The origin of results whose provenance was not kept. */
  public static final Origin UNKNOWN = new Origin("-", 0, Instant.EPOCH, 0);

  public Origin {
    if (attempt < 0 || nanosPerInput < 0) {
      throw new IllegalArgumentException(
          "attempt " + attempt + " and time " + nanosPerInput + " must not be negative");
    }
    java.util.Objects.requireNonNull(node, "node");
    java.util.Objects.requireNonNull(sentAt, "sentAt");
  }
}
