package cohort.coordinator.web;

import cohort.api.JobStatus;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job as its dashboard page shows it: the status, what it was submitted with, where its inputs
 * run now, its progress over time and a sample of its results and errors.
 *
 * @param params the task's parameters as submitted
 * @param runningOn inputs running now, by node address
 * @param ranOn inputs with a result, by the node that gave it (from the job log)
 * @param history samples of inputs with a result: {@code [epoch millis, done]} pairs, oldest first
 */
public record JobDetail(
    JobStatus status,
    Map<String, JsonNode> params,
    Settings settings,
    Map<String, Long> runningOn,
    Map<String, RanOn.Count> ranOn,
    List<long[]> history,
    Sample sample) {

  /**
   * How the job runs.
   *
   * @param require the labels a node must have to run its inputs; empty for any node
   */
  public record Settings(
      boolean ordered,
      String combine,
      int batch,
      int retries,
      int maxAttempts,
      long timeoutMillis,
      String sharing,
      List<String> require) {}

  /**
   * Some of its results.
   *
   * @param first its first results in the log's order
   * @param errors its first errors among the results read
   * @param read results read for this sample
   */
  public record Sample(List<JsonNode> first, List<JsonNode> errors, long read) {}

  /** The detail of {@code job}, with its status as the API shows it. */
  public static JobDetail of(
      JobState job,
      JobStatus status,
      List<LiveState.JobPoint> points,
      ResultSample sample,
      Map<String, RanOn.Count> ranOn) {
    JobSpec spec = job.spec();
    Map<String, Long> running = new TreeMap<>();
    for (JobState.InFlight flight : job.inFlight()) {
      long outstanding = flight.batch().size() - flight.received();
      if (outstanding > 0) {
        running.merge(flight.address(), outstanding, Long::sum);
      }
    }
    return new JobDetail(
        status,
        spec.task().params(),
        new Settings(
            spec.ordered(),
            status.combine(),
            spec.batch(),
            spec.retries(),
            spec.maxAttempts(),
            spec.taskTimeout().toMillis(),
            spec.policy().describe(),
            spec.require().texts()),
        running,
        ranOn,
        points.stream().map(p -> new long[] {p.time(), p.done()}).toList(),
        new Sample(sample.first(), sample.errors(), sample.read()));
  }
}
