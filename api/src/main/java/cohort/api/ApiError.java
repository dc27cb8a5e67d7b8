package cohort.api;

/**
 * The body of every HTTP error: what was wrong and how to fix it.
 *
 * @param error the message
 */
public record ApiError(String error) {}
