package cohort.coordinator;

import cohort.coordinator.admission.TaskAdmission;
import cohort.coordinator.blobs.BlobStore;
import cohort.protocol.CoordinatorProtocol;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A coordinator running in this JVM, before or while it serves HTTP: what its HTTP API and an
 * in-process client ({@link cohort.coordinator.inprocess.InProcessJobs}) talk to.
 *
 * @param coordinator the coordinator actor, which answers {@link ClientRequests}
 * @param blobs where file inputs are kept
 * @param code where shipped jars and deployments are kept
 * @param access who may use its HTTP API: its token
 * @param broadcasts where broadcasts are kept
 */
public record LocalCoordinator(
    ActorSystem<?> system,
    CoordinatorSettings settings,
    ActorRef<CoordinatorProtocol.Command> coordinator,
    BlobStore blobs,
    cohort.coordinator.code.CodeStore code,
    cohort.coordinator.security.ApiAccess access,
    cohort.coordinator.broadcast.BroadcastStore broadcasts) {

  /**
   * How long a client's request waits for the coordinator: a submission also waits for nodes to
   * check the task, one after another when the first cannot answer.
   */
  public Duration askTimeout() {
    return settings
        .checkTimeout()
        .multipliedBy(TaskAdmission.MAX_CHECKERS)
        .plus(Duration.ofSeconds(5));
  }
}
