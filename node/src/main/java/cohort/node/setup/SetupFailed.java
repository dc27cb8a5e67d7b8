package cohort.node.setup;

/** A job could not be prepared on this node: a broadcast could not be had, or its setup threw. */
public final class SetupFailed extends Exception {

  public SetupFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
