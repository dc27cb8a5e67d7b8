package cohort.coordinator.http;

import cohort.api.ClusterStatus;
import cohort.api.DepartedNode;
import cohort.api.JobOutcome;
import cohort.api.JobStatus;
import cohort.api.NodeStatus;
import cohort.api.Result;
import cohort.api.TaskInfo;
import cohort.coordinator.ClientRequests.ClusterView;
import cohort.coordinator.ClientRequests.Completed;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.metrics.NodeFigures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's domain values as the HTTP API shows them: the one place where a {@link
 * JobState} becomes a {@link JobStatus} and a node table a {@link ClusterStatus}.
 */
public final class ApiViews {

  private ApiViews() {}

  /** The job as {@code GET /jobs/{id}} shows it, with elapsed time measured up to {@code now}. */
  public static JobStatus status(JobState job, Instant now) {
    return new JobStatus(
        job.id(),
        job.spec().task().name(),
        JobStatus.State.valueOf(job.phase().name()),
        job.spec().ordered(),
        job.spec().combiner() == null ? null : job.spec().combiner().label(),
        job.available(),
        job.succeeded(),
        job.failed(),
        job.running(),
        job.pending(),
        job.retried(),
        job.combined(),
        job.combineError(),
        job.submittedAt().toString(),
        job.elapsed(now).toMillis(),
        job.message(),
        job.inputsOpen(),
        job.resumed()
            .map(plan -> new JobStatus.Resumed(plan.from(), plan.done().count()))
            .orElse(null),
        job.spec().policy().priority() == 0 ? null : job.spec().policy().priority(),
        job.waiting(),
        job.counters().asMap());
  }

  /** A waited job as {@code POST /jobs?wait=...} answers it: results only when it ended. */
  public static JobOutcome outcome(Completed completed, Instant now) {
    List<Result> results = null;
    if (completed.results() != null && completed.job().terminal()) {
      results = new ArrayList<>();
      for (ResultBlock block : completed.results()) {
        results.addAll(block.results());
      }
    }
    return new JobOutcome(status(completed.job(), now), results);
  }

  /** The cluster as {@code GET /cluster} shows it. */
  public static ClusterStatus cluster(ClusterView view) {
    List<NodeStatus> list = new ArrayList<>();
    int slots = 0;
    int busy = 0;
    for (NodeTable.Node node : view.nodes().nodes()) {
      int nodeBusy = Math.min(node.outstanding().size(), node.slots());
      Optional<NodeFigures.Node> figures = view.figures().get(node.id());
      list.add(
          new NodeStatus(
              node.address(),
              node.state(),
              node.slots(),
              nodeBusy,
              node.tasks().stream().filter(TaskInfo::enabled).map(TaskInfo::name).toList(),
              node.direct(),
              figures.map(f -> f.joinedAt().toString()).orElse(null),
              figures.map(NodeFigures.Node::inputsDone).orElse(0L),
              figures.map(NodeFigures.Node::inputsFailed).orElse(0L),
              figures.map(f -> f.heapUsedBytes()).filter(bytes -> bytes >= 0).orElse(null),
              figures.map(f -> f.heapMaxBytes()).filter(bytes -> bytes >= 0).orElse(null),
              figures.map(f -> f.cpuLoad()).filter(load -> load >= 0).orElse(null),
              node.labels().texts()));
      slots += node.slots();
      busy += nodeBusy;
    }
    List<DepartedNode> departed =
        view.figures().departed().stream()
            .map(
                gone ->
                    new DepartedNode(
                        gone.node().address(),
                        gone.node().joinedAt().toString(),
                        gone.leftAt().toString(),
                        gone.why(),
                        gone.node().inputsDone(),
                        gone.node().inputsFailed()))
            .toList();
    return new ClusterStatus(view.coordinator(), list, slots, busy, view.activeJobs(), departed);
  }
}
