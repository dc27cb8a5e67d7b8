package cohort.coordinator.metrics;

import cohort.api.TaskError;
import cohort.coordinator.job.FailurePolicy;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.jobs.JobWatch;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The coordinator's counters of events, incremented where each event happens: inputs by task as
 * jobs change ({@link JobWatch}), batches sent ({@code Dispatched}), results received with the time
 * their inputs took ({@code BatchCompleted}), and HTTP requests. One per actor system ({@link
 * #get}), shared by the coordinator actor and the HTTP API; thread-safe (Prometheus counters), so
 * the HTTP threads and the actor never wait for each other. Figures the coordinator holds anyway
 * (jobs by state, nodes, slots) are not counted here but read at each scrape: see {@link
 * ClusterGauges}.
 *
 * <p>The task duration histogram observes, for each part of a batch's results, the time the task
 * spent on the part ({@code BatchFinished.busyNanos}) divided by the inputs it covers, once per
 * input: a node measures parts, not single inputs, so inputs of one part all count the mean.
 */
public final class CoordinatorMetrics implements Extension, JobWatch {

  private static final ExtensionId<CoordinatorMetrics> ID =
      new ExtensionId<>() {
        @Override
        public CoordinatorMetrics createExtension(ActorSystem<?> system) {
          return new CoordinatorMetrics(true);
        }
      };

  /** Upper bounds of the task duration buckets, in seconds: 100 µs to 7 minutes, by fours. */
  static final double[] DURATION_BUCKETS = {
    0.0001, 0.0004, 0.0016, 0.0064, 0.0256, 0.1024, 0.4096, 1.6384, 6.5536, 26.2144, 104.8576,
    419.4304
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter submitted = byTask("cohort_inputs_submitted", "Inputs jobs were given.");
  private final Counter done =
      byTask("cohort_inputs_done", "Inputs with a final result, an output or an error.");
  private final Counter failed = byTask("cohort_inputs_failed", "Inputs whose result is an error.");
  private final Counter retried =
      byTask("cohort_inputs_retried", "Times an input was sent again after a failure.");
  private final Counter quarantined =
      byTask(
          "cohort_inputs_quarantined",
          "Inputs given up after their node went down on each attempt.");
  private final Counter batches = byTask("cohort_dispatched_batches", "Batches sent to nodes.");
  private final Counter dispatched =
      byTask("cohort_dispatched_inputs", "Inputs sent to nodes, in batches.");
  private final Counter resultParts =
      counter("cohort_result_messages", "Reports of results received from nodes.")
          .register(registry);
  private final Counter results =
      counter(
              "cohort_results_received",
              "Inputs whose result a node reported for a job the coordinator knows, late duplicates"
                  + " included.")
          .register(registry);
  private final Histogram durations =
      Histogram.builder()
          .name("cohort_task_duration_seconds")
          .help("Time the task took per input on a node (a reported part's time over its inputs).")
          .labelNames("task")
          .classicOnly()
          .classicUpperBounds(DURATION_BUCKETS)
          .register(registry);
  private final Counter requests =
      counter("cohort_http_requests", "HTTP requests answered, by route template and status.")
          .labelNames("method", "route", "status")
          .register(registry);

  /**
   * @param jvm whether to include the JVM's own metrics (memory, threads, GC...)
   */
  CoordinatorMetrics(boolean jvm) {
    if (jvm) {
      JvmMetrics.builder().register(registry);
    }
  }

  /** The metrics of the coordinator in this actor system. */
  public static CoordinatorMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private Counter byTask(String name, String help) {
    return counter(name, help).labelNames("task").register(registry);
  }

  private static Counter.Builder counter(String name, String help) {
    return Counter.builder().name(name).help(help);
  }

  @Override
  public void accepted(JobState job) {
    // A resumed job starts with the earlier job's successes delivered: they are not submitted.
    submitted.labelValues(task(job)).inc(job.available() - job.delivered());
  }

  @Override
  public void changed(JobEvent event, JobState before, JobState after, List<ResultBlock> released) {
    String task = task(after);
    if (event instanceof BatchCompleted completed) {
      received(task, completed);
    } else if (event instanceof Dispatched sent) {
      batches.labelValues(task).inc();
      dispatched.labelValues(task).inc(sent.batch().size());
    }
    add(submitted, task, after.available() - before.available());
    add(done, task, after.delivered() - before.delivered());
    add(failed, task, after.failed() - before.failed());
    add(retried, task, after.retried() - before.retried());
    long given = 0;
    for (ResultBlock block : released) {
      for (TaskError error : block.errors().values()) {
        if (FailurePolicy.QUARANTINED.equals(error.type())) {
          given++;
        }
      }
    }
    add(quarantined, task, given);
  }

  private static void add(Counter counter, String task, long delta) {
    if (delta > 0) {
      counter.labelValues(task).inc(delta);
    }
  }

  private static String task(JobState job) {
    return job.spec().task().name();
  }

  /** A node reported results of a batch of a job of {@code task}. */
  private void received(String task, BatchCompleted completed) {
    int inputs =
        BatchFigures.inputs(
            completed.fromOffset(), completed.outputs().size(), completed.failures());
    resultParts.inc();
    results.inc(inputs);
    if (inputs > 0 && completed.busyNanos() > 0) {
      double seconds = completed.busyNanos() / 1e9 / inputs;
      DistributionDataPoint perTask = durations.labelValues(task);
      for (int i = 0; i < inputs; i++) {
        perTask.observe(seconds);
      }
    }
  }

  /** The HTTP API answered a request. */
  public void answered(String method, String route, int status) {
    requests.labelValues(method, route, Integer.toString(status)).inc();
  }

  /** Everything counted so far, and the JVM's metrics. */
  public MetricSnapshots scrape() {
    return registry.scrape();
  }
}
