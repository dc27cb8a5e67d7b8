package cohort.coordinator.dispatch;

import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.Phase;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.scheduling.Admission;
import cohort.coordinator.scheduling.JobPolicy;
import cohort.coordinator.scheduling.Shares;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which jobs a round of dispatch serves, and what else holds slots of their limits: the jobs let in
 * by the cap on running jobs ({@link Admission}), and the batches nodes still hold for jobs that
 * ended. Not thread-safe: the dispatcher owns it.
 */
final class Lineup {

  private final Admission admission;
  private long admittedAt = -1;

  Lineup(Admission admission) {
    this.admission = admission;
  }

  /**
   * The running jobs let in by the cap on running jobs. The line is worked out again when jobs come
   * or go; a job waiting in it is told its place.
   */
  List<Job> admitted(JobRegistry jobs, Instant now) {
    List<Job> active = jobs.active();
    if (jobs.generation() != admittedAt) {
      admittedAt = jobs.generation();
      List<Admission.Candidate> line = new ArrayList<>(active.size());
      for (Job job : active) {
        JobState state = job.state();
        boolean started = state.phase() != Phase.PENDING || state.batchesMade() > 0;
        line.add(new Admission.Candidate(job.id(), state.spec().policy().priority(), started));
      }
      admission.update(line);
      for (Job job : active) {
        String reason = admission.waiting(job.id()).orElse(null);
        if (!Objects.equals(reason, job.state().waitingInLine())) {
          job.apply(new JobEvent.WaitingInLine(reason), now);
        }
      }
    }
    if (admission.waitingCount() == 0) {
      return active;
    }
    List<Job> let = new ArrayList<>(active.size());
    for (Job job : active) {
      if (admission.admitted(job.id())) {
        let.add(job);
      }
    }
    return let;
  }

  /**
   * The batches of ended jobs that named limits and that nodes still hold: a cancelled input whose
   * task ignores the interrupt still runs, and holds its limits' slots until its node reports it.
   */
  static List<Shares.Claim> lingering(NodeTable nodes, JobRegistry jobs, List<Job> runnable) {
    Set<String> running = new HashSet<>();
    runnable.forEach(job -> running.add(job.id()));
    Map<String, Integer> held = new HashMap<>();
    for (NodeTable.Node node : nodes.nodes()) {
      for (BatchKey key : node.outstanding()) {
        if (!running.contains(key.job())) {
          held.merge(key.job(), 1, Integer::sum);
        }
      }
    }
    List<Shares.Claim> claims = new ArrayList<>();
    held.forEach(
        (id, batches) ->
            jobs.get(id)
                .map(job -> job.state().spec().policy().limits())
                .filter(limits -> !limits.isEmpty())
                .ifPresent(
                    limits ->
                        claims.add(
                            new Shares.Claim(
                                id,
                                new JobPolicy(0, 0, new TreeMap<>(limits), null, null),
                                batches,
                                false))));
    return claims;
  }
}
