package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * A node's side of its coordinators: which ones it registered with, and how its registration ended.
 * The worker hands it the receptionist's listings and the coordinators' answers.
 */
final class CoordinatorLink {

  private final Set<ActorRef<CoordinatorProtocol.Command>> coordinators = new HashSet<>();
  private final RegisterNode registration;
  private final CompletableFuture<String> registered;
  private final FileInputs files;
  private final String node;
  private final Logger log;

  /**
   * @param registration what the node sends each coordinator it finds
   * @param registered completed with the coordinator's address once one accepts the node, or
   *     exceptionally when one refuses it
   * @param files told the coordinator's HTTP URL, where file inputs are fetched from
   */
  CoordinatorLink(
      RegisterNode registration,
      CompletableFuture<String> registered,
      FileInputs files,
      String node,
      Logger log) {
    this.registration = registration;
    this.registered = registered;
    this.files = files;
    this.node = node;
    this.log = log;
  }

  /** The coordinators listed now: registers with the new ones and forgets those gone. */
  void listed(Set<ActorRef<CoordinatorProtocol.Command>> current) {
    coordinators.retainAll(current);
    for (ActorRef<CoordinatorProtocol.Command> coordinator : current) {
      if (coordinators.add(coordinator)) {
        coordinator.tell(registration);
      }
    }
  }

  /** Tells every coordinator this node registered with. */
  void tellAll(CoordinatorProtocol.Command message) {
    coordinators.forEach(coordinator -> coordinator.tell(message));
  }

  /** A coordinator accepted the node. */
  void accepted(Registered answer) {
    if (answer.httpUrl() != null) {
      files.coordinator(answer.httpUrl(), answer.nodeToken());
    }
    if (!registered.isDone()) {
      log.info("node {} registered with coordinator {}", node, answer.coordinator());
      registered.complete(answer.coordinator());
    }
  }

  /** A coordinator refused the node: the node cannot serve, and says why. */
  void refused(RegistrationRefused answer) {
    log.error("the coordinator refused node {}: {}", node, answer.reason());
    registered.completeExceptionally(new IllegalStateException(answer.reason()));
  }
}
