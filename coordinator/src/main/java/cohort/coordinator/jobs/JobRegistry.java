package cohort.coordinator.jobs;

import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResumePlan;
import cohort.coordinator.results.ResultLog;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs a coordinator remembers: it names new jobs, keeps the running ones in the order they
 * came, and forgets the oldest finished jobs beyond the retention.
 *
 * <p>Job ids are {@code INCARNATION-N}: a random prefix per coordinator start and a count, so ids
 * from a restarted coordinator never collide with those a client still holds.
 *
 * <p>Used by the coordinator actor only; not thread-safe.
 */
public final class JobRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(JobRegistry.class);

  private final Path spool;
  private final int retained;
  private final Job.InputKeeper keeper;
  private final JobWatch watch;
  private final String incarnation;
  private long sequence;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final ArrayDeque<Job> active = new ArrayDeque<>();
  private final ArrayDeque<String> finished = new ArrayDeque<>();
  private final Set<Job> touched = new LinkedHashSet<>();
  private long generation;

  /**
   * A registry with no jobs from before.
   *
   * @param spool where result logs are written
   * @param retained finished jobs kept before the oldest are forgotten
   */
  public JobRegistry(Path spool, int retained) {
    this(spool, retained, List.of(), null, JobWatch.NONE);
  }

  /**
   * @param spool where result logs are written
   * @param retained finished jobs kept before the oldest are forgotten
   * @param taken ids of jobs recovered from before a restart: new ids never repeat their prefixes
   * @param keeper keeps streamed inputs before they go in; null to let them in at once
   * @param watch told of every job accepted and every change of a job, for the metrics
   */
  public JobRegistry(
      Path spool, int retained, Collection<String> taken, Job.InputKeeper keeper, JobWatch watch) {
    this.spool = spool;
    this.retained = retained;
    this.keeper = keeper;
    this.watch = watch;
    Set<String> prefixes = new HashSet<>();
    for (String id : taken) {
      prefixes.add(id.substring(0, Math.max(0, id.indexOf('-'))));
    }
    String prefix;
    do {
      prefix = Long.toString(ThreadLocalRandom.current().nextLong(36 * 36, 36 * 36 * 36), 36);
    } while (prefixes.contains(prefix));
    this.incarnation = prefix;
  }

  /** A fresh id for the next job. */
  private String newId() {
    return incarnation + "-" + (++sequence);
  }

  /**
   * Names a new job and makes it in its first state; it runs once {@link #register registered}.
   *
   * @param window how far an ordered job's dispatch may run ahead of its first missing result
   */
  public Job prepare(JobSpec spec, InputSource inputs, long window, Instant now) {
    return prepare(spec, inputs, window, now, null, 1);
  }

  /**
   * Names a new job that may resume an earlier one, and makes it in its first state.
   *
   * @param resume the earlier job's inputs it skips, or null for a job that resumes none
   * @param maxBatch the most inputs a batch of the inputs it runs may hold
   */
  public Job prepare(
      JobSpec spec,
      InputSource inputs,
      long window,
      Instant now,
      cohort.coordinator.job.ResumePlan resume,
      int maxBatch) {
    String id = newId();
    JobState state =
        resume != null
            ? resume.start(id, spec, inputs, window, maxBatch, now)
            : inputs.isStreamed()
                ? JobState.streamed(id, spec, window, now)
                : JobState.accepted(id, spec, inputs.size(), window, now);
    return new Job(state, inputs, new ResultLog(logFile(spool, id)), touched::add, keeper, watch);
  }

  /** Registers a job {@link #prepare} made; a job with work joins the running ones. */
  public void register(Job job) {
    JobState state = job.state();
    LOG.info(
        "job {} accepted: task {}, {}",
        job.id(),
        state.spec().task().name(),
        state.inputsOpen() ? "inputs streamed" : state.available() + " inputs");
    watch.accepted(state);
    add(job);
  }

  /**
   * Registers a job recovered from before a restart, oldest first: a running one joins the running
   * order, an ended one the finished jobs.
   */
  public Job restore(JobState state, InputSource inputs, ResultLog log) {
    Job job = new Job(state, inputs, log, touched::add, keeper, watch);
    add(job);
    if (state.terminal()) {
      finished.addLast(job.id());
      if (!log.closed()) {
        touched.add(job); // its end is journaled at the next flush
      }
    }
    return job;
  }

  private void add(Job job) {
    jobs.put(job.id(), job);
    if (!job.state().terminal()) {
      active.addLast(job);
      generation++;
    }
  }

  /** The result log of job {@code id} in {@code spool}. */
  public static Path logFile(Path spool, String id) {
    return spool.resolve(id + ".ndjson");
  }

  public Optional<Job> get(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Whether the batch's job still waits for its results from the node it was sent to. */
  public boolean expects(BatchKey key) {
    Job job = jobs.get(key.job());
    return job != null && job.state().isInFlight(key.batch());
  }

  /** Why the job with this id takes no streamed inputs now, if it does not, or is unknown. */
  public Optional<Refused> inputsRefused(String id) {
    Job job = jobs.get(id);
    return job == null ? Optional.of(Refused.unknownJob(id)) : job.inputsRefused();
  }

  /** Every job remembered, oldest first. */
  public Collection<Job> all() {
    return jobs.values();
  }

  /** The running jobs, in the order they came. */
  public List<Job> active() {
    return List.copyOf(active);
  }

  public int activeCount() {
    return active.size();
  }

  /** A count that changes whenever a job joins or leaves the running ones. */
  public long generation() {
    return generation;
  }

  /** The bytes the result logs of every job it remembers hold. */
  public long logBytes() {
    return jobs.values().stream().mapToLong(job -> job.log().bytes()).sum();
  }

  /**
   * A running job's work on one node.
   *
   * @param batches batches of the job out on the node
   * @param running ids of those the node reported it had started
   */
  public record Holding(Job job, int batches, Set<Long> running) {}

  /** The running jobs that hold work on the node. */
  public List<Holding> heldOn(NodeTable.Node node) {
    List<Holding> held = new ArrayList<>();
    for (Job job : active) {
      int batches = job.state().inFlightOn(node.id());
      if (batches > 0) {
        Set<Long> running = new HashSet<>();
        for (BatchKey key : node.running()) {
          if (key.job().equals(job.id())) {
            running.add(key.batch());
          }
        }
        held.add(new Holding(job, batches, running));
      }
    }
    return held;
  }

  /**
   * The job ended: uploads that waited for room are refused, and the job leaves the running ones
   * and joins the finished ones.
   *
   * @return the finished jobs now beyond the retention, forgotten: their logs should be deleted
   */
  public List<Job> ended(Job job, Instant now) {
    JobState state = job.state();
    job.gate().drain().forEach(add -> add.replyTo().tell(Refused.ended(state)));
    LOG.info(
        "job {} {}: {} succeeded, {} failed, in {} ms ({} batches)",
        state.id(),
        state.phase().name().toLowerCase(Locale.ROOT),
        state.succeeded(),
        state.failed(),
        state.elapsed(now).toMillis(),
        state.batchesMade());
    active.remove(job);
    generation++;
    touched.add(job); // its log closes at the end of the round
    finished.addLast(job.id());
    List<Job> forgotten = new ArrayList<>();
    // A job a running job resumes stays, beyond the retention: a restart reads its results again.
    Set<String> resumed = resumedByActive();
    int kept = 0;
    for (Iterator<String> it = finished.iterator();
        finished.size() - kept > retained && it.hasNext(); ) {
      String id = it.next();
      if (resumed.contains(id)) {
        kept++;
        continue;
      }
      it.remove();
      Job old = jobs.remove(id);
      if (old != null) {
        forgotten.add(old);
        touched.remove(old);
      }
    }
    return forgotten;
  }

  /** The jobs that jobs still running resume, and those these resume in turn. */
  private Set<String> resumedByActive() {
    Set<String> resumed = new HashSet<>();
    for (Job job : active) {
      Optional<String> from = job.state().resumed().map(ResumePlan::from);
      while (from.isPresent() && resumed.add(from.get())) {
        Job earlier = jobs.get(from.get());
        from = earlier == null ? Optional.empty() : earlier.state().resumed().map(ResumePlan::from);
      }
    }
    return resumed;
  }

  /**
   * Hands the results jobs released this round to their writers, one append each, and closes the
   * logs of jobs that ended.
   */
  public void flushResults() {
    for (Job job : touched) {
      job.results().flush(job.state());
    }
    touched.clear();
  }
}
