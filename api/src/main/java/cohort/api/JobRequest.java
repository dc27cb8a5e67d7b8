package cohort.api;

import cohort.api.code.CodeRef;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The body of {@code POST /jobs}: a task, its parameters, and where the inputs come from.
 *
 * <p>Give exactly one input source: {@code inputs} (an explicit list of JSON values) or {@code
 * range} ({@code "A..B"}: the integers from A up to, not including, B, like Python's {@code
 * range}). With {@code split} K the range becomes K inputs instead, each an object {@code
 * {"start":a,"end":b}} covering one part.
 *
 * @param task the task's name
 * @param params parameter values by name
 * @param inputs explicit inputs
 * @param range an integer range {@code "A..B"}; underscores between digits are allowed
 * @param split cut the range into this many parts, one input each
 * @param ordered results in input order (the default) or as they complete
 * @param combine reduce the outputs at the coordinator: {@code sum}, {@code count}, {@code min} or
 *     {@code max}
 * @param batch inputs per dispatch, at least 1; absent lets Cohort size batches from measured task
 *     time
 * @param retries times an input whose task threw runs again (default 0)
 * @param maxAttempts runs an input gets in all when it times out or its node is lost (default 3)
 * @param taskTimeout how long one input may run, such as {@code "500ms"} or {@code "2m"}; absent
 *     for no limit
 * @param stream true for a job whose inputs follow as newline-delimited JSON in {@code POST
 *     /jobs/{id}/inputs}, admitted as the cluster has room
 * @param code jars uploaded with {@code PUT /code/{sha256}} that hold the task, for a task the
 *     nodes do not have installed; absent for installed and deployed tasks
 * @param resumeFrom the id of an earlier job of the same task, parameters and inputs: only its
 *     inputs without a successful result run, at their own indices (GNU parallel's {@code
 *     --resume}); absent to run every input
 * @param priority higher runs first: free slots go to the highest priority, and jobs of equal
 *     priority share the slots; from -1000 to 1000, 0 when absent
 * @param maxRunning the most of the job's inputs running at once across the cluster; absent for no
 *     cap
 * @param limits named limits the job shares with every job that names them, with the slots each
 *     allows them together, such as {@code {"db":4}}; a limit of 1 is a cluster-wide lock
 * @param rate the most of the job's inputs started per second, minute or hour across the cluster,
 *     such as {@code "100/s"}
 * @param rates named rates the job shares with every job that names them, such as {@code
 *     {"api":"10/s"}}
 * @param broadcast data every node fetches once for the job, cached there by digest, that tasks
 *     read by name through their context: SHA-256 digests of blobs uploaded with {@code PUT
 *     /broadcasts/{sha256}}, by name; absent for none
 * @param require labels a node must have to run the job's inputs, such as {@code ["gpu",
 *     "zone=a"]}: a bare name is met by a node with that label whatever its value, {@code
 *     name=value} only by that value; absent for any node that offers the task
 * @param waitForNodes true to accept the job when no node can run it yet (no node offers the task
 *     or has the required labels) and let it wait for one; absent or false refuses such a job
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(
    String task,
    Map<String, JsonNode> params,
    List<JsonNode> inputs,
    String range,
    Integer split,
    Boolean ordered,
    String combine,
    Integer batch,
    Integer retries,
    Integer maxAttempts,
    String taskTimeout,
    Boolean stream,
    CodeRef code,
    String resumeFrom,
    Integer priority,
    Integer maxRunning,
    Map<String, Integer> limits,
    String rate,
    Map<String, String> rates,
    Map<String, String> broadcast,
    List<String> require,
    Boolean waitForNodes) {

  /** The field names, for error messages. */
  public static final String FIELDS =
      "task, params, inputs, range, split, ordered, combine, batch, retries, maxAttempts,"
          + " taskTimeout, stream, code, resumeFrom, priority, maxRunning, limits, rate, rates,"
          + " broadcast, require, waitForNodes";

  /** A request for the task over explicit inputs, with every option at its default. */
  public static JobRequest of(String task, List<JsonNode> inputs) {
    Draft d = new Draft(task);
    d.inputs = inputs;
    return d.build();
  }

  /** A request for the task whose inputs will be streamed to {@code POST /jobs/{id}/inputs}. */
  public static JobRequest streamed(String task) {
    Draft d = new Draft(task);
    d.stream = true;
    return d.build();
  }

  /** A request for the task over the integers of {@code range} ({@code "A..B"}). */
  public static JobRequest range(String task, String range) {
    Draft d = new Draft(task);
    d.range = range;
    return d.build();
  }

  /** This request over explicit inputs, all given in it: nothing is streamed. */
  public JobRequest withInputs(List<JsonNode> value) {
    return edit(
        d -> {
          d.inputs = value;
          d.stream = null;
        });
  }

  /** This request with parameters. */
  public JobRequest withParams(Map<String, JsonNode> value) {
    return edit(d -> d.params = value);
  }

  /** This request with its range cut into {@code value} parts. */
  public JobRequest withSplit(Integer value) {
    return edit(d -> d.split = value);
  }

  /** This request with results in input order or not. */
  public JobRequest withOrdered(Boolean value) {
    return edit(d -> d.ordered = value);
  }

  /** This request with a combiner. */
  public JobRequest withCombine(String value) {
    return edit(d -> d.combine = value);
  }

  /** This request with a fixed batch size. */
  public JobRequest withBatch(Integer value) {
    return edit(d -> d.batch = value);
  }

  /** This request with retries for inputs whose task throws. */
  public JobRequest withRetries(Integer value) {
    return edit(d -> d.retries = value);
  }

  /** This request with max-attempts for timeouts and lost nodes. */
  public JobRequest withMaxAttempts(Integer value) {
    return edit(d -> d.maxAttempts = value);
  }

  /** This request with a task timeout such as {@code "500ms"}. */
  public JobRequest withTaskTimeout(String value) {
    return edit(d -> d.taskTimeout = value);
  }

  /** This request with its inputs streamed to {@code POST /jobs/{id}/inputs} (true) or not. */
  public JobRequest withStream(Boolean value) {
    return edit(d -> d.stream = value);
  }

  /** This request running the task from uploaded jars. */
  public JobRequest withCode(CodeRef value) {
    return edit(d -> d.code = value);
  }

  /**
   * This request resuming job {@code value}: only the inputs without a successful result there run.
   * Give the same task, parameters and inputs as that job had.
   */
  public JobRequest withResumeFrom(String value) {
    return edit(d -> d.resumeFrom = value);
  }

  /** This request with a priority: higher runs first (0 when absent). */
  public JobRequest withPriority(Integer value) {
    return edit(d -> d.priority = value);
  }

  /** This request with a cap on its inputs running at once across the cluster. */
  public JobRequest withMaxRunning(Integer value) {
    return edit(d -> d.maxRunning = value);
  }

  /**
   * This request sharing named limits with every job that names them, such as {@code db=4}: the
   * slots all of them hold together.
   */
  public JobRequest withLimits(Map<String, Integer> value) {
    return edit(d -> d.limits = value);
  }

  /** This request with a rate such as {@code "100/s"}: its inputs started across the cluster. */
  public JobRequest withRate(String value) {
    return edit(d -> d.rate = value);
  }

  /** This request sharing named rates, such as {@code api=10/s}, with every job naming them. */
  public JobRequest withRates(Map<String, String> value) {
    return edit(d -> d.rates = value);
  }

  /**
   * This request with broadcasts: SHA-256 digests of blobs uploaded with {@code PUT
   * /broadcasts/{sha256}}, by the names tasks read them by.
   */
  public JobRequest withBroadcast(Map<String, String> value) {
    return edit(d -> d.broadcast = value);
  }

  /**
   * This request sending its inputs only to nodes with every one of these labels ({@code gpu},
   * {@code zone=a}); null or empty for any node.
   */
  public JobRequest withRequire(List<String> value) {
    return edit(d -> d.require = value == null || value.isEmpty() ? null : List.copyOf(value));
  }

  /**
   * This request waiting for a node that can run it (true) instead of being refused when none can
   * yet.
   */
  public JobRequest withWaitForNodes(Boolean value) {
    return edit(d -> d.waitForNodes = value);
  }

  private JobRequest edit(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** A request's fields while one of them changes: each is copied in one place. */
  private static final class Draft {
    String task;
    Map<String, JsonNode> params;
    List<JsonNode> inputs;
    String range;
    Integer split;
    Boolean ordered;
    String combine;
    Integer batch;
    Integer retries;
    Integer maxAttempts;
    String taskTimeout;
    Boolean stream;
    CodeRef code;
    String resumeFrom;
    Integer priority;
    Integer maxRunning;
    Map<String, Integer> limits;
    String rate;
    Map<String, String> rates;
    Map<String, String> broadcast;
    List<String> require;
    Boolean waitForNodes;

    Draft(String task) {
      this.task = task;
    }

    Draft(JobRequest r) {
      task = r.task;
      params = r.params;
      inputs = r.inputs;
      range = r.range;
      split = r.split;
      ordered = r.ordered;
      combine = r.combine;
      batch = r.batch;
      retries = r.retries;
      maxAttempts = r.maxAttempts;
      taskTimeout = r.taskTimeout;
      stream = r.stream;
      code = r.code;
      resumeFrom = r.resumeFrom;
      priority = r.priority;
      maxRunning = r.maxRunning;
      limits = r.limits;
      rate = r.rate;
      rates = r.rates;
      broadcast = r.broadcast;
      require = r.require;
      waitForNodes = r.waitForNodes;
    }

    JobRequest build() {
      return new JobRequest(
          task,
          params,
          inputs,
          range,
          split,
          ordered,
          combine,
          batch,
          retries,
          maxAttempts,
          taskTimeout,
          stream,
          code,
          resumeFrom,
          priority,
          maxRunning,
          limits,
          rate,
          rates,
          broadcast,
          require,
          waitForNodes);
    }
  }
}
