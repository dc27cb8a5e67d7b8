package cohort.client;

/**
 * A request to the coordinator failed: it could not be reached, or it answered with an error. The
 * message says what happened and what to do about it.
 */
public final class CohortException extends RuntimeException {

  private final int httpStatus;

  /**
   * @param httpStatus the coordinator's HTTP status, or 0 when it could not be reached
   */
  public CohortException(String message, int httpStatus, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
  }

  /** The coordinator's HTTP status, or 0 when it could not be reached. */
  public int httpStatus() {
    return httpStatus;
  }

  /** True when the coordinator could not be reached at all. */
  public boolean unreachable() {
    return httpStatus == 0;
  }
}
