package cohort.coordinator.admission;

import cohort.coordinator.ClientRequests.SubmitJob;
import cohort.coordinator.dispatch.NodeTable;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.TaskChecked;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The coordinator's admission desk, a child of the coordinator: it judges each submitted job with
 * {@link TaskAdmission}, asks a node to check the task and its parameters when no verdict is known,
 * answers a refusal to the submitter itself, and hands an admitted job back to the coordinator
 * ({@link Admitted}).
 */
public final class Admissions extends AbstractBehavior<Admissions.Command> {

  /** What the desk hears. */
  public sealed interface Command {}

  /**
   * Judge a submitted job against the cluster as it is now.
   *
   * @param coordinator the coordinator's address, for the hint on how to start a node
   */
  public record Judge(SubmitJob submit, NodeTable nodes, String coordinator) implements Command {}

  /** The nodes changed: their verdicts no longer hold. */
  public enum Forget implements Command {
    INSTANCE
  }

  /** Told to the coordinator: the job may run. */
  public record Admitted(SubmitJob submit) implements CoordinatorProtocol.Command {}

  private record CheckDone(
      Judge judge, Set<String> asked, String node, TaskChecked reply, Throwable failure)
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
        .onMessage(Judge.class, this::onJudge)
        .onMessageEquals(Forget.INSTANCE, this::onForget)
        .onMessage(CheckDone.class, this::onCheckDone)
        .build();
  }

  private Behavior<Command> onJudge(Judge judge) {
    decide(
        judge,
        admission.judge(judge.submit().spec().task(), judge.nodes(), judge.coordinator()),
        Set.of());
    return this;
  }

  private Behavior<Command> onForget() {
    admission.forget();
    return this;
  }

  private Behavior<Command> onCheckDone(CheckDone done) {
    TaskAdmission.Decision decision =
        done.failure() != null
            ? admission.checkFailed(
                done.judge().submit().spec().task(),
                done.asked(),
                done.judge().nodes(),
                done.node(),
                checkTimeout)
            : admission.checked(done.judge().submit().spec().task(), done.reply());
    decide(done.judge(), decision, done.asked());
    return this;
  }

  private void decide(Judge judge, TaskAdmission.Decision decision, Set<String> asked) {
    if (decision instanceof TaskAdmission.Refuse refuse) {
      judge.submit().replyTo().tell(refuse.refused());
    } else if (decision instanceof TaskAdmission.Check check) {
      askToCheck(judge, check.node(), asked);
    } else {
      coordinator.tell(new Admitted(judge.submit()));
    }
  }

  private void askToCheck(Judge judge, NodeTable.Node node, Set<String> askedBefore) {
    Set<String> asked = new HashSet<>(askedBefore);
    asked.add(node.id());
    getContext()
        .ask(
            TaskChecked.class,
            node.worker(),
            checkTimeout,
            replyTo -> new CheckTask(judge.submit().spec().task(), replyTo),
            (reply, failure) ->
                new CheckDone(judge, Set.copyOf(asked), node.address(), reply, failure));
  }
}
