package cohort.coordinator.admission;

import cohort.api.TaskInfo;
import cohort.coordinator.ClientRequests.Refusal;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.placement.NodeNeeds;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a job may run: some node that takes work must offer its task and have the labels
 * the job requires (unless the job waits for such a node: {@link NodeNeeds}), and a node must have
 * checked the task and its parameters (they bind to the task's parameter record and pass its
 * validation) and the job's first inputs (one of them converts to the task's input type; see {@link
 * cohort.coordinator.job.InputSamples}). Nodes' verdicts are remembered, so a repeated job skips
 * the check's round trip: that the parameters are wrong by task and parameters, that the inputs fit
 * by task, parameters and the {@link InputShape shape} of the inputs. That inputs do not fit is not
 * remembered, since other inputs of the same shape may. The memory is bounded, and forgotten
 * whenever a node joins or leaves, as the new set of nodes may judge differently.
 *
 * <p>Used by the admission desk only; not thread-safe.
 */
public final class TaskAdmission {

  private static final Logger LOG = LoggerFactory.getLogger(TaskAdmission.class);

  /** Nodes asked in turn to check a job's task before the job is refused. */
  public static final int MAX_CHECKERS = 2;

  /** Verdicts remembered at most; the least recently used goes first. */
  static final int MAX_VERDICTS = 1024;

  /**
   * A verdict's key: the task with its parameters, and the shape of the inputs checked with them; a
   * null shape for a verdict on the task and its parameters alone.
   */
  private record Key(TaskSpec task, String shape) {}

  private final Map<Key, TaskChecked> verdicts =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, TaskChecked> eldest) {
          return size() > MAX_VERDICTS;
        }
      };

  /** What to do with a job. */
  public sealed interface Decision {}

  /** Refuse it. */
  public record Refuse(Refused refused) implements Decision {}

  /** Accept it: its task and parameters are known to be good. */
  public record Accept() implements Decision {}

  /** Ask this node to check the task, its parameters and the inputs first. */
  public record Check(NodeTable.Node node) implements Decision {}

  /**
   * None of the inputs checked fits the task; the caller says what that means for the job.
   *
   * @param error the node's word on the first input, such as {@code task 'sleep' takes integer
   *     inputs, not "abc"}
   */
  public record Misfit(String error) implements Decision {}

  /** The decision on a new job for {@code task} whose inputs are not known yet: a streamed job. */
  public Decision judge(TaskSpec task, NodeTable nodes, String coordinator) {
    return judge(task, List.of(), nodes, coordinator);
  }

  /**
   * The decision on a new job for {@code task}, or on the first inputs of a streamed job.
   *
   * @param samples the job's first inputs ({@link cohort.coordinator.job.InputSamples})
   * @param coordinator the coordinator's address, for the hint on how to start a node
   */
  public Decision judge(
      TaskSpec task, List<JsonNode> samples, NodeTable nodes, String coordinator) {
    return judge(task, NodeNeeds.NONE, samples, nodes, coordinator);
  }

  /**
   * The decision on a new job for {@code task} that needs {@code needs} of the nodes. A job that
   * waits for nodes is accepted when no node can check its task: its parameters are checked by the
   * nodes that run it.
   */
  public Decision judge(
      TaskSpec task, NodeNeeds needs, List<JsonNode> samples, NodeTable nodes, String coordinator) {
    if (nodes.isEmpty()) {
      return needs.waitForNodes()
          ? new Accept()
          : new Refuse(
              new Refused(
                  Refusal.UNAVAILABLE,
                  "no node has joined the cluster yet; start one with: cohort node --join "
                      + coordinator
                      + (needs.require().isEmpty()
                          ? ""
                          : needs.require().labels().stream()
                              .map(label -> " --label " + label)
                              .collect(Collectors.joining()))
                      + ", or submit with --wait-for-nodes to wait for one"));
    }
    if (nodes.nodes().stream()
        .noneMatch(node -> node.available() && node.offers(task.offeredAs()))) {
      return needs.waitForNodes() ? new Accept() : new Refuse(refusal(task.offeredAs(), nodes));
    }
    if (!needs.waitForNodes()) {
      Optional<String> unmet = needs.refusal(task.offeredAs(), nodes);
      if (unmet.isPresent()) {
        return new Refuse(new Refused(Refusal.UNAVAILABLE, unmet.get()));
      }
    }
    TaskChecked wrong = verdicts.get(new Key(task, null));
    if (wrong != null) {
      return judged(wrong);
    }
    String shape = InputShape.of(samples);
    if (shape != null && verdicts.get(new Key(task, shape)) != null) {
      return new Accept();
    }
    return checker(task.offeredAs(), Set.of(), nodes)
        .<Decision>map(Check::new)
        .orElseGet(() -> new Refuse(refusal(task.offeredAs(), nodes)));
  }

  /** A node checked the task of a job whose inputs are not known yet. */
  public Decision checked(TaskSpec task, TaskChecked verdict) {
    return checked(task, List.of(), verdict);
  }

  /** A node checked the task and the samples: the verdict decides, and is remembered if it may. */
  public Decision checked(TaskSpec task, List<JsonNode> samples, TaskChecked verdict) {
    if (!verdict.ok()) {
      verdicts.put(new Key(task, null), verdict);
      return judged(verdict);
    }
    if (!verdict.inputsFit()) {
      return new Misfit(verdict.inputError());
    }
    String shape = InputShape.of(samples);
    if (shape != null) {
      verdicts.put(new Key(task, shape), verdict);
    }
    return new Accept();
  }

  /**
   * A node did not answer its check in time; it may have died before the failure detector noticed,
   * so one other node is asked, up to {@link #MAX_CHECKERS}.
   *
   * @param asked the nodes asked so far, by id
   * @param silent the address of the node that did not answer
   */
  public Decision checkFailed(
      TaskSpec task, Set<String> asked, NodeTable nodes, String silent, Duration timeout) {
    Optional<NodeTable.Node> other =
        asked.size() >= MAX_CHECKERS ? Optional.empty() : checker(task.offeredAs(), asked, nodes);
    return other
        .<Decision>map(Check::new)
        .orElseGet(
            () ->
                new Refuse(
                    new Refused(
                        Refusal.UNAVAILABLE,
                        "node "
                            + silent
                            + " did not check the task within "
                            + timeout.toMillis()
                            + " ms, and no other node can; try again")));
  }

  /** Forgets every verdict: the nodes changed. */
  public void forget() {
    verdicts.clear();
  }

  /**
   * The combiner the task names as its default, or null. A name Cohort lacks (a plugin built for
   * another version) is logged and ignored: the job runs without one.
   */
  public static Combiner taskCombiner(String task, NodeTable nodes) {
    for (TaskInfo info : nodes.tasks()) {
      if (info.name().equals(task) && info.combiner() != null) {
        try {
          return Combiner.parse(info.combiner());
        } catch (IllegalArgumentException e) {
          LOG.warn("task {} names a default combiner Cohort lacks: {}", task, e.getMessage());
        }
      }
    }
    return null;
  }

  private static Decision judged(TaskChecked verdict) {
    return verdict.ok() ? new Accept() : new Refuse(new Refused(Refusal.INVALID, verdict.error()));
  }

  /** A node that takes work, offers the task and was not asked yet. */
  private static Optional<NodeTable.Node> checker(String task, Set<String> asked, NodeTable nodes) {
    return nodes.nodes().stream()
        .filter(node -> node.available() && node.offers(task) && !asked.contains(node.id()))
        .findFirst();
  }

  /** Why no node can take a job for the task now: off everywhere, all busy leaving, or unknown. */
  static Refused refusal(String task, NodeTable nodes) {
    if (task.equals(TaskSpec.SHIPPED_CODE)
        && nodes.nodes().stream().noneMatch(node -> node.offers(task))) {
      return new Refused(
          Refusal.INVALID,
          "no node runs shipped code: every node was started with --no-shipped-code; start one"
              + " without it, or install the task's jar in the nodes' plugin folder (--plugins)");
    }
    if (nodes.nodes().stream().anyMatch(node -> node.offers(task))) {
      return new Refused(
          Refusal.UNAVAILABLE,
          "every node that offers task '"
              + task
              + "' is unreachable or draining; try again once one is up");
    }
    Optional<TaskInfo> off =
        nodes.tasks().stream()
            .filter(info -> info.name().equals(task) && !info.enabled())
            .findFirst();
    if (off.isPresent()) {
      return new Refused(
          Refusal.INVALID, "task '" + task + "' is off on every node: " + off.get().disabled());
    }
    String known =
        nodes.tasks().stream()
            .filter(TaskInfo::enabled)
            .map(TaskInfo::name)
            .collect(Collectors.joining(", "));
    return new Refused(Refusal.INVALID, "unknown task '" + task + "'; known tasks: " + known);
  }
}
