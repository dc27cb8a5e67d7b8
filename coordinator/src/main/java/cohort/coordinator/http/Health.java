package cohort.coordinator.http;

import cohort.protocol.cluster.SelfMember;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /health}: that the coordinator serves as the active one (a standby answers with its
 * own role, see {@code StandbyHttp}), and which incarnation it is (its cluster member's unique id).
 * A node that lost its coordinator asks, and joins a new one at the same address as soon as it
 * answers, rather than wait to give the old one up. Says nothing of jobs.
 */
final class Health {

  private final Responses responses;
  private final String incarnation;

  Health(ActorSystem<?> system, Responses responses) {
    this.responses = responses;
    this.incarnation =
        SelfMember.inCluster(system)
            ? Long.toString(Cluster.get(system).selfMember().uniqueAddress().longUid())
            : SelfMember.IN_PROCESS;
  }

  Route route() {
    return Directives.complete(
        responses.ok(
            StatusCodes.OK, Map.of("status", "up", "role", "active", "incarnation", incarnation)));
  }
}
