package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.node.JoinWait.Sighting;
import cohort.node.JoinWait.State;
import cohort.protocol.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JoinWaitTest {

  private static final HostPort NAME = new HostPort("coordinator.cohort.invalid", 25520);
  private static final HostPort ADDRESS = new HostPort("127.0.0.1", 25520);
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration ANSWERING = Duration.ofSeconds(10);

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static Sighting seen(HostPort address, State state, String detail) {
    return new Sighting(address, state, detail);
  }

  /**
   * Tests that a name that does not resolve is said at once and once, however often it is looked
   * up, and that the line says what the node does about it.
   */
  @Test
  void aNameThatDoesNotResolveIsSaidOnce() {
    JoinWait wait = new JoinWait(List.of(NAME), GRACE, ANSWERING);
    List<Sighting> none = List.of(seen(NAME, State.NO_NAME, "coordinator.cohort.invalid"));
    assertThat(wait.seen(none, s(0)))
        .contains(
            "waiting for the coordinator at coordinator.cohort.invalid:25520: the name"
                + " coordinator.cohort.invalid does not resolve; the node looks it up again and"
                + " joins once it resolves and the coordinator answers (in Kubernetes its DNS"
                + " record may not exist yet)");
    for (int i = 1; i < 100; i++) {
      assertThat(wait.seen(none, s(i))).isEmpty();
    }
    assertThat(wait.joined(s(120), "coordinator.cohort.invalid:25520"))
        .contains(
            "joined the cluster of the coordinator coordinator.cohort.invalid:25520 after waiting"
                + " 120 s");
  }

  /** Tests that a node that joins without waiting long says nothing of it. */
  @Test
  void aQuickJoinSaysNothing() {
    JoinWait wait = new JoinWait(List.of(ADDRESS), GRACE, ANSWERING);
    assertThat(wait.shouldProbe(s(1))).isFalse();
    assertThat(wait.seen(List.of(seen(ADDRESS, State.RESOLVES, "127.0.0.1")), s(1))).isEmpty();
    assertThat(wait.joined(s(2), "127.0.0.1:25520")).isEmpty();
  }

  /**
   * Tests that the ports are probed after the grace, that a port nothing answers at is said once,
   * and that a name that comes to resolve is said again only with a new reason.
   */
  @Test
  void eachNewReasonIsSaidOnce() {
    JoinWait wait = new JoinWait(List.of(NAME), GRACE, ANSWERING);
    assertThat(wait.seen(List.of(seen(NAME, State.NO_NAME, "")), s(0))).isPresent();
    assertThat(wait.shouldProbe(s(4))).isFalse();
    assertThat(wait.shouldProbe(s(5))).isTrue();
    List<Sighting> refused = List.of(seen(NAME, State.NO_ANSWER, "Connection refused"));
    assertThat(wait.seen(refused, s(6)))
        .contains(
            "waiting for the coordinator at coordinator.cohort.invalid:25520: nothing answers at"
                + " coordinator.cohort.invalid:25520 (Connection refused); the node keeps trying"
                + " until the coordinator answers");
    assertThat(wait.seen(refused, s(7))).isEmpty();
    assertThat(wait.seen(List.of(seen(NAME, State.NO_NAME, "")), s(8))).isEmpty();
  }

  /**
   * Tests that a port that answers but does not let the node in for a while is said once, naming
   * what the name resolved to and that a coordinator takes only nodes that join it by the host it
   * advertises; an answer that comes just before the join says nothing.
   */
  @Test
  void aPortThatAnswersButDoesNotLetTheNodeInIsSaidAfterTheGrace() {
    HostPort localhost = new HostPort("localhost", 25520);
    JoinWait wait = new JoinWait(List.of(localhost), GRACE, ANSWERING);
    List<Sighting> answers = List.of(seen(localhost, State.ANSWERS, "127.0.0.1"));
    assertThat(wait.seen(answers, s(5))).isEmpty();
    assertThat(wait.seen(answers, s(14))).isEmpty();
    Optional<String> line = wait.seen(answers, s(15));
    assertThat(line)
        .get()
        .asString()
        .startsWith(
            "waiting for the coordinator at localhost:25520: localhost:25520 (127.0.0.1) answers"
                + " but has not let this node join. It may be busy, or know itself by another"
                + " name: a coordinator lets in only nodes that join it by the host it advertises,"
                + " written as it is there (the cluster= of its ready"
                + " line: its --advertise, else its --host), not by another name or address for"
                + " it;")
        .endsWith("The node keeps trying");
    assertThat(wait.shouldProbe(s(16))).isFalse();
    assertThat(wait.seen(answers, s(30))).isEmpty();

    JoinWait quick = new JoinWait(List.of(ADDRESS), GRACE, ANSWERING);
    assertThat(quick.seen(List.of(seen(ADDRESS, State.ANSWERS, "127.0.0.1")), s(5))).isEmpty();
    assertThat(quick.joined(s(6), "127.0.0.1:25520")).isEmpty();
  }

  /**
   * Tests that a port that stops answering starts the count again: a coordinator that restarted has
   * as long as the first to let the node in.
   */
  @Test
  void aPortThatStopsAnsweringStartsTheCountAgain() {
    JoinWait wait = new JoinWait(List.of(ADDRESS), GRACE, ANSWERING);
    List<Sighting> answers = List.of(seen(ADDRESS, State.ANSWERS, "127.0.0.1"));
    assertThat(wait.seen(answers, s(5))).isEmpty();
    assertThat(wait.seen(List.of(seen(ADDRESS, State.NO_ANSWER, "Connection refused")), s(12)))
        .isPresent();
    assertThat(wait.seen(answers, s(13))).isEmpty();
    assertThat(wait.seen(answers, s(22))).isEmpty();
    assertThat(wait.seen(answers, s(23))).get().asString().contains("has not let this node join");
  }

  /**
   * Tests a node with several coordinators to join: one address that resolves is enough to stop
   * blaming names, and the line names each address and what was found there.
   */
  @Test
  void severalAddressesAreEachDescribed() {
    JoinWait wait = new JoinWait(List.of(NAME, ADDRESS), GRACE, ANSWERING);
    List<Sighting> mixed =
        List.of(
            seen(NAME, State.NO_NAME, ""), seen(ADDRESS, State.NO_ANSWER, "Connection refused"));
    assertThat(wait.seen(mixed, s(5)))
        .contains(
            "waiting for the coordinator at coordinator.cohort.invalid:25520 or 127.0.0.1:25520:"
                + " the name coordinator.cohort.invalid does not resolve; nothing answers at"
                + " 127.0.0.1:25520 (Connection refused); the node keeps trying until the"
                + " coordinator answers");
  }
}
