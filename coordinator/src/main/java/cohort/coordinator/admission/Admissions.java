package cohort.coordinator.admission;

import cohort.coordinator.ClientRequests.InputsChecked;
import cohort.coordinator.ClientRequests.InputsFit;
import cohort.coordinator.ClientRequests.InputsMisfit;
import cohort.coordinator.ClientRequests.Refusal;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.ClientRequests.SubmitJob;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.InputSamples;
import cohort.coordinator.placement.NodeNeeds;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The coordinator's admission desk, a child of the coordinator: it judges each submitted job with
 * {@link TaskAdmission}, asks a node to check the task, its parameters and the job's first inputs
 * when no verdict is known, answers a refusal to the submitter itself, and hands an admitted job
 * back to the coordinator ({@link Admitted}). It judges a streamed job's first inputs the same way
 * as they arrive ({@link JudgeInputs}), answering the upload.
 */
public final class Admissions extends AbstractBehavior<Admissions.Command> {

  /** What the desk hears. */
  public sealed interface Command {}

  /**
   * A question the desk answers by judging a task and some inputs against the cluster as it is now.
   * Each kind says where its answers go.
   */
  private sealed interface Case extends Command {
    TaskSpec task();

    /** What the job needs of the nodes: labels, and whether it waits for nodes. */
    NodeNeeds needs();

    List<JsonNode> samples();

    NodeTable nodes();

    String coordinator();

    /** The task and the inputs may go. */
    void accept(ActorRef<CoordinatorProtocol.Command> coordinatorActor);

    /** The task cannot go, or cannot be checked now. */
    void refuse(Refused refused);

    /** None of the inputs fits the task. */
    void misfit(String error);
  }

  /**
   * Judge a submitted job against the cluster as it is now.
   *
   * @param samples the job's first inputs, which a node converts to the task's input type
   * @param coordinator the coordinator's address, for the hint on how to start a node
   */
  public record Judge(SubmitJob submit, List<JsonNode> samples, NodeTable nodes, String coordinator)
      implements Case {

    /** Judges the job with its first inputs ({@link InputSamples#first}). */
    public Judge(SubmitJob submit, NodeTable nodes, String coordinator) {
      this(submit, InputSamples.first(submit.inputs()), nodes, coordinator);
    }

    @Override
    public TaskSpec task() {
      return submit.spec().task();
    }

    @Override
    public NodeNeeds needs() {
      return NodeNeeds.of(submit.spec());
    }

    @Override
    public void accept(ActorRef<CoordinatorProtocol.Command> coordinatorActor) {
      coordinatorActor.tell(new Admitted(submit));
    }

    @Override
    public void refuse(Refused refused) {
      submit.replyTo().tell(refused);
    }

    @Override
    public void misfit(String error) {
      refuse(
          new Refused(
              Refusal.INVALID,
              InputSamples.refusal(error, samples.size(), submit.inputs().misfitHint())));
    }
  }

  /**
   * Judge the first inputs of a streamed job that was admitted already.
   *
   * @param replyTo told whether they fit
   * @param waitForNodes whether the job waits for nodes: its inputs are then let in unchecked while
   *     no node can check them
   */
  public record JudgeInputs(
      TaskSpec task,
      List<JsonNode> samples,
      NodeTable nodes,
      String coordinator,
      ActorRef<InputsChecked> replyTo,
      boolean waitForNodes)
      implements Case {

    /** The job was admitted: its labels were judged then, only its inputs are now. */
    @Override
    public NodeNeeds needs() {
      return new NodeNeeds(cohort.api.labels.Requirement.NONE, waitForNodes);
    }

    @Override
    public void accept(ActorRef<CoordinatorProtocol.Command> coordinatorActor) {
      replyTo.tell(new InputsFit());
    }

    @Override
    public void refuse(Refused refused) {
      replyTo.tell(refused);
    }

    @Override
    public void misfit(String error) {
      replyTo.tell(new InputsMisfit(error));
    }
  }

  /** The nodes changed: their verdicts no longer hold. */
  public enum Forget implements Command {
    INSTANCE
  }

  /** Told to the coordinator: the job may run. */
  public record Admitted(SubmitJob submit) implements CoordinatorProtocol.Command {}

  private record CheckDone(
      Case question, Set<String> asked, String node, TaskChecked reply, Throwable failure)
      implements Command {}

  private final TaskAdmission admission = new TaskAdmission();
  private final ActorRef<CoordinatorProtocol.Command> coordinator;
  private final Duration checkTimeout;

  /**
   * @param coordinator told which jobs are admitted
   * @param checkTimeout how long a node may take to check a task
   */
  public static Behavior<Command> create(
      ActorRef<CoordinatorProtocol.Command> coordinator, Duration checkTimeout) {
    return Behaviors.setup(context -> new Admissions(context, coordinator, checkTimeout));
  }

  private Admissions(
      ActorContext<Command> context,
      ActorRef<CoordinatorProtocol.Command> coordinator,
      Duration checkTimeout) {
    super(context);
    this.coordinator = coordinator;
    this.checkTimeout = checkTimeout;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Judge.class, this::onCase)
        .onMessage(JudgeInputs.class, this::onCase)
        .onMessageEquals(Forget.INSTANCE, this::onForget)
        .onMessage(CheckDone.class, this::onCheckDone)
        .build();
  }

  private Behavior<Command> onCase(Case question) {
    decide(
        question,
        admission.judge(
            question.task(),
            question.needs(),
            question.samples(),
            question.nodes(),
            question.coordinator()),
        Set.of());
    return this;
  }

  private Behavior<Command> onForget() {
    admission.forget();
    return this;
  }

  private Behavior<Command> onCheckDone(CheckDone done) {
    Case question = done.question();
    TaskAdmission.Decision decision =
        done.failure() != null
            ? admission.checkFailed(
                question.task(), done.asked(), question.nodes(), done.node(), checkTimeout)
            : admission.checked(question.task(), question.samples(), done.reply());
    decide(question, decision, done.asked());
    return this;
  }

  private void decide(Case question, TaskAdmission.Decision decision, Set<String> asked) {
    if (decision instanceof TaskAdmission.Refuse refuse) {
      question.refuse(refuse.refused());
    } else if (decision instanceof TaskAdmission.Check check) {
      askToCheck(question, check.node(), asked);
    } else if (decision instanceof TaskAdmission.Misfit misfit) {
      question.misfit(misfit.error());
    } else {
      question.accept(coordinator);
    }
  }

  private void askToCheck(Case question, NodeTable.Node node, Set<String> askedBefore) {
    Set<String> asked = new HashSet<>(askedBefore);
    asked.add(node.id());
    getContext()
        .ask(
            TaskChecked.class,
            node.worker(),
            checkTimeout,
            replyTo -> new CheckTask(question.task(), question.samples(), replyTo),
            (reply, failure) ->
                new CheckDone(question, Set.copyOf(asked), node.address(), reply, failure));
  }
}
