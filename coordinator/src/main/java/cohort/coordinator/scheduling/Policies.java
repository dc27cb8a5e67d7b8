package cohort.coordinator.scheduling;

import cohort.api.JobRequest;
import java.util.TreeMap;

/** Reads a job request's scheduling fields into a {@link JobPolicy}. */
public final class Policies {

  private Policies() {}

  /**
   * The policy the request asks for.
   *
   * @throws IllegalArgumentException saying which field is wrong and how to fix it
   */
  public static JobPolicy of(JobRequest request) {
    if (request.priority() == null
        && request.maxRunning() == null
        && request.limits() == null
        && request.rate() == null
        && request.rates() == null) {
      return JobPolicy.NONE;
    }
    if (request.maxRunning() != null && request.maxRunning() < 1) {
      throw new IllegalArgumentException(
          "'maxRunning' is "
              + request.maxRunning()
              + "; give the most inputs of the job that may run at once, 1 or more, or leave it"
              + " out for no cap");
    }
    TreeMap<String, Rate> rates = new TreeMap<>();
    if (request.rates() != null) {
      request
          .rates()
          .forEach((name, text) -> rates.put(name, Rate.parse(text, "the rate of '" + name + "'")));
    }
    return new JobPolicy(
        request.priority() == null ? 0 : request.priority(),
        request.maxRunning() == null ? 0 : request.maxRunning(),
        request.limits() == null ? null : new TreeMap<>(request.limits()),
        request.rate() == null ? null : Rate.parse(request.rate(), "'rate'"),
        rates);
  }
}
