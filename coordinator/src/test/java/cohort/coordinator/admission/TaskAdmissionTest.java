package cohort.coordinator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskInfo;
import cohort.api.labels.NodeLabels;
import cohort.api.labels.Requirement;
import cohort.coordinator.ClientRequests.Refusal;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.placement.NodeNeeds;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TaskAdmissionTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> a;
  private static ActorRef<WorkerProtocol.Command> b;

  private static final List<TaskInfo> TASKS =
      List.of(
          new TaskInfo("echo", "", "any", List.of(), null, null),
          new TaskInfo("sum-range", "", "object", List.of(), "sum", null),
          new TaskInfo("exec", "", "any", List.of(), null, "start nodes with --allow-exec"));

  private static final TaskSpec ECHO = new TaskSpec("echo", Map.of());

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
    a = testKit.<WorkerProtocol.Command>createTestProbe().ref();
    b = testKit.<WorkerProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static NodeTable twoNodes() {
    return NodeTable.empty().registered(a, "a:1", 1, 1, TASKS).registered(b, "b:1", 1, 1, TASKS);
  }

  private static Refusal refusal(TaskAdmission.Decision decision) {
    return ((TaskAdmission.Refuse) decision).refused().why();
  }

  private static String error(TaskAdmission.Decision decision) {
    return ((TaskAdmission.Refuse) decision).refused().error();
  }

  /** Tests the refusals that need no node's check: no node, unknown task, task off everywhere. */
  @Test
  void refusesWhatNoNodeCanRun() {
    TaskAdmission admission = new TaskAdmission();
    var none = admission.judge(ECHO, NodeTable.empty(), "c:1");
    assertThat(refusal(none)).isEqualTo(Refusal.UNAVAILABLE);
    assertThat(error(none)).contains("cohort node --join c:1");
    var unknown = admission.judge(new TaskSpec("thumbnial", Map.of()), twoNodes(), "c:1");
    assertThat(error(unknown)).isEqualTo("unknown task 'thumbnial'; known tasks: echo, sum-range");
    var off = admission.judge(new TaskSpec("exec", Map.of()), twoNodes(), "c:1");
    assertThat(refusal(off)).isEqualTo(Refusal.INVALID);
    assertThat(error(off)).contains("start nodes with --allow-exec");
    NodeTable draining = twoNodes().draining(NodeTable.idOf(a)).draining(NodeTable.idOf(b));
    assertThat(refusal(admission.judge(ECHO, draining, "c:1"))).isEqualTo(Refusal.UNAVAILABLE);
  }

  /** Tests that a verdict is asked once, remembered, and forgotten when the nodes change. */
  @Test
  void remembersVerdictsUntilForgotten() {
    TaskAdmission admission = new TaskAdmission();
    assertThat(admission.judge(ECHO, twoNodes(), "c:1")).isInstanceOf(TaskAdmission.Check.class);
    assertThat(admission.checked(ECHO, new TaskChecked(null)))
        .isInstanceOf(TaskAdmission.Accept.class);
    assertThat(admission.judge(ECHO, twoNodes(), "c:1")).isInstanceOf(TaskAdmission.Accept.class);
    TaskSpec bad = new TaskSpec("echo", Map.of("x", IntNode.valueOf(1)));
    assertThat(error(admission.checked(bad, new TaskChecked("unknown parameter 'x'"))))
        .isEqualTo("unknown parameter 'x'");
    assertThat(error(admission.judge(bad, twoNodes(), "c:1"))).isEqualTo("unknown parameter 'x'");
    admission.forget();
    assertThat(admission.judge(ECHO, twoNodes(), "c:1")).isInstanceOf(TaskAdmission.Check.class);
  }

  /**
   * Tests that inputs that fit are remembered by shape, so a repeated job of other values of the
   * same kinds needs no check, while inputs of another shape are checked anew.
   */
  @Test
  void remembersFittingInputsByShape() {
    TaskAdmission admission = new TaskAdmission();
    TaskSpec sum = new TaskSpec("sum-range", Map.of());
    var first = List.<JsonNode>of(span(0, 10), span(10, 20));
    assertThat(admission.judge(sum, first, twoNodes(), "c:1"))
        .isInstanceOf(TaskAdmission.Check.class);
    assertThat(admission.checked(sum, first, new TaskChecked(null, null)))
        .isInstanceOf(TaskAdmission.Accept.class);
    assertThat(admission.judge(sum, List.of(span(5, 7)), twoNodes(), "c:1"))
        .isInstanceOf(TaskAdmission.Accept.class);
    assertThat(admission.judge(sum, List.of(IntNode.valueOf(0)), twoNodes(), "c:1"))
        .isInstanceOf(TaskAdmission.Check.class);
  }

  /**
   * Tests that inputs none of which fits are a misfit, and not remembered: other values of the same
   * kinds may fit, so the next job is checked again.
   */
  @Test
  void misfitsAreNotRemembered() {
    TaskAdmission admission = new TaskAdmission();
    TaskSpec sum = new TaskSpec("sum-range", Map.of());
    var ints = List.<JsonNode>of(IntNode.valueOf(0), IntNode.valueOf(1));
    assertThat(admission.checked(sum, ints, new TaskChecked(null, "takes objects, not 0")))
        .isEqualTo(new TaskAdmission.Misfit("takes objects, not 0"));
    assertThat(admission.judge(sum, ints, twoNodes(), "c:1"))
        .isInstanceOf(TaskAdmission.Check.class);
  }

  /** Tests that wrong parameters are remembered whatever the inputs they came with. */
  @Test
  void wrongParametersAreRememberedForAnyInputs() {
    TaskAdmission admission = new TaskAdmission();
    TaskSpec bad = new TaskSpec("echo", Map.of("x", IntNode.valueOf(1)));
    admission.checked(bad, List.of(IntNode.valueOf(1)), new TaskChecked("unknown parameter 'x'"));
    assertThat(error(admission.judge(bad, List.of(span(0, 1)), twoNodes(), "c:1")))
        .isEqualTo("unknown parameter 'x'");
  }

  private static JsonNode span(long start, long end) {
    return JsonNodeFactory.instance.objectNode().put("start", start).put("end", end);
  }

  /** Tests that the memory of verdicts is bounded: the least recently used is forgotten first. */
  @Test
  void verdictsAreBounded() {
    TaskAdmission admission = new TaskAdmission();
    for (int i = 0; i <= TaskAdmission.MAX_VERDICTS; i++) {
      admission.checked(
          new TaskSpec("echo", Map.of("n", IntNode.valueOf(i))), new TaskChecked(null));
      // The first stays recently used, so the second is the one forgotten.
      admission.judge(new TaskSpec("echo", Map.of("n", IntNode.valueOf(0))), twoNodes(), "c:1");
    }
    var first =
        admission.judge(new TaskSpec("echo", Map.of("n", IntNode.valueOf(0))), twoNodes(), "c:1");
    var second =
        admission.judge(new TaskSpec("echo", Map.of("n", IntNode.valueOf(1))), twoNodes(), "c:1");
    assertThat(first).isInstanceOf(TaskAdmission.Accept.class);
    assertThat(second).isInstanceOf(TaskAdmission.Check.class);
  }

  /** Tests that a silent checker hands the check to another node once, then the job is refused. */
  @Test
  void asksAnotherNodeWhenOneIsSilent() {
    TaskAdmission admission = new TaskAdmission();
    NodeTable nodes = twoNodes();
    var first = (TaskAdmission.Check) admission.judge(ECHO, nodes, "c:1");
    var second =
        admission.checkFailed(
            ECHO, Set.of(first.node().id()), nodes, first.node().address(), Duration.ofSeconds(3));
    assertThat(((TaskAdmission.Check) second).node().id()).isNotEqualTo(first.node().id());
    var refused =
        admission.checkFailed(
            ECHO,
            Set.of(NodeTable.idOf(a), NodeTable.idOf(b)),
            nodes,
            "b:1",
            Duration.ofSeconds(3));
    assertThat(refusal(refused)).isEqualTo(Refusal.UNAVAILABLE);
    assertThat(error(refused))
        .isEqualTo(
            "node b:1 did not check the task within 3000 ms, and no other node can; try again");
  }

  /** Tests that a task's default combiner is found, and a name Cohort lacks is ignored. */
  @Test
  void findsTheTaskCombiner() {
    assertThat(TaskAdmission.taskCombiner("sum-range", twoNodes()).label()).isEqualTo("sum");
    assertThat(TaskAdmission.taskCombiner("echo", twoNodes())).isNull();
    NodeTable odd =
        NodeTable.empty()
            .registered(
                a, "a:1", 1, 1, List.of(new TaskInfo("t", "", "any", List.of(), "avg", null)));
    assertThat(TaskAdmission.taskCombiner("t", odd)).isNull();
  }

  private static NodeTable labelled() {
    return NodeTable.empty()
        .registered(a, "a:1", 1, 1, TASKS, null, false, NodeLabels.parse(List.of("zone=a"), "x"))
        .registered(b, "b:1", 1, 1, TASKS);
  }

  private static NodeNeeds needs(boolean wait, String... labels) {
    return new NodeNeeds(Requirement.parse(List.of(labels), "--require"), wait);
  }

  /**
   * Tests that a job whose labels no node has is refused with a message naming the missing labels,
   * what the nodes have and how to fix it; and that a job no node has all the labels of says so.
   */
  @Test
  void refusesLabelsNoNodeHas() {
    TaskAdmission admission = new TaskAdmission();
    var missing =
        admission.judge(ECHO, needs(false, "gpu", "zone=a"), List.of(), labelled(), "c:1");
    assertThat(refusal(missing)).isEqualTo(Refusal.UNAVAILABLE);
    assertThat(error(missing))
        .isEqualTo(
            "no node has the label gpu (nodes have: zone=a on a:1; no labels on b:1): start a node"
                + " with --label gpu --label zone=a, or submit with --wait-for-nodes"
                + " (\"waitForNodes\": true) to wait for one");
    NodeTable split =
        labelled()
            .registered(b, "b:1", 1, 1, TASKS, null, false, NodeLabels.parse(List.of("gpu"), "x"));
    assertThat(error(admission.judge(ECHO, needs(false, "gpu", "zone=a"), List.of(), split, "c:1")))
        .startsWith(
            "no one node has all the labels gpu, zone=a (nodes have: zone=a on a:1; gpu on b:1)");
    assertThat(admission.judge(ECHO, needs(false, "zone=a"), List.of(), labelled(), "c:1"))
        .isInstanceOf(TaskAdmission.Check.class);
  }

  /**
   * Tests that a job that waits for nodes is accepted when no node has its labels, offers its task
   * or has joined at all, and checked by a node that offers the task when one does.
   */
  @Test
  void aJobThatWaitsForNodesIsAccepted() {
    TaskAdmission admission = new TaskAdmission();
    assertThat(admission.judge(ECHO, needs(true, "gpu"), List.of(), NodeTable.empty(), "c:1"))
        .isInstanceOf(TaskAdmission.Accept.class);
    assertThat(
            admission.judge(
                new TaskSpec("plugin-task", Map.of()), needs(true), List.of(), labelled(), "c:1"))
        .isInstanceOf(TaskAdmission.Accept.class);
    assertThat(admission.judge(ECHO, needs(true, "gpu"), List.of(), labelled(), "c:1"))
        .isInstanceOf(TaskAdmission.Check.class);
    assertThat(error(admission.judge(ECHO, needs(false), List.of(), NodeTable.empty(), "c:1")))
        .contains("--wait-for-nodes");
  }

  /**
   * Tests that the reason a job waits names what is missing, and is empty once a node can run it.
   */
  @Test
  void saysWhyAJobWaits() {
    assertThat(needs(true, "gpu").unmet("echo", NodeTable.empty()))
        .contains("no node has joined the cluster yet");
    assertThat(needs(true, "gpu").unmet("plugin-task", labelled()))
        .contains("no node that takes work offers task 'plugin-task' (it requires the labels gpu)");
    assertThat(needs(true, "zone").unmet("echo", labelled())).isEmpty();
    NodeTable drained = labelled().draining(NodeTable.idOf(a));
    assertThat(needs(true, "zone").unmet("echo", drained))
        .contains("no node has the label zone (nodes have: no labels on b:1)");
  }
}
