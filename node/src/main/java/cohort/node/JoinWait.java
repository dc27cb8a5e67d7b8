package cohort.node;

import cohort.protocol.HostPort;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a node that waits to join its coordinator says, and when: Pekko keeps trying and repeats a
 * warning at every attempt without saying why it fails, so the node says once why it waits, in
 * words, each time the reason changes (the name does not resolve, nothing answers, something
 * answers but does not let it in), and once that it joined after all. Driven by {@link JoinWatch}
 * with what it saw of each address the node joins; time comes in as the time waited, so it is
 * tested without waiting.
 */
final class JoinWait {

  /** Why a node waits, worst first. */
  enum Reason {
    /** No address to join resolves: the coordinator's DNS record may not exist yet. */
    NO_NAME,
    /** The addresses resolve, but nothing there takes a connection. */
    NO_ANSWER,
    /** A port answers, but no coordinator there lets the node join. */
    NOT_LET_IN
  }

  /** What a look at one address to join found. */
  enum State {
    /** The host name does not resolve. */
    NO_NAME,
    /** It resolves; the port was not tried. */
    RESOLVES,
    /** A connection to the port failed. */
    NO_ANSWER,
    /** A connection to the port was taken. */
    ANSWERS
  }

  /**
   * What a look at one address found.
   *
   * @param address the address the node joins
   * @param state what was found
   * @param detail what the resolver or the connection said, or the addresses the name resolves to
   */
  record Sighting(HostPort address, State state, String detail) {}

  private final List<HostPort> join;
  private final Duration grace;
  private final Duration answering;
  private final Set<Reason> said = EnumSet.noneOf(Reason.class);
  private Duration answeringSince;

  /**
   * @param join the addresses the node joins
   * @param grace how long a node may take to join before it probes the ports
   * @param answering how long a port that answers may take to let the node in before the node says
   *     it does not
   */
  JoinWait(List<HostPort> join, Duration grace, Duration answering) {
    this.join = List.copyOf(join);
    this.grace = grace;
    this.answering = answering;
  }

  /** Whether the ports are worth a connection now: after the grace, until one answered long. */
  boolean shouldProbe(Duration waited) {
    return waited.compareTo(grace) >= 0 && !said.contains(Reason.NOT_LET_IN);
  }

  /**
   * Takes what a look at every address found, after {@code waited} without joining.
   *
   * @return the line to log, when the node has a reason to wait it did not give yet
   */
  Optional<String> seen(List<Sighting> sightings, Duration waited) {
    Optional<Reason> reason = reason(sightings, waited);
    if (reason.isEmpty() || !said.add(reason.get())) {
      return Optional.empty();
    }
    return Optional.of(line(reason.get(), sightings));
  }

  /**
   * The node joined, after {@code waited}.
   *
   * @param coordinator the coordinator's address, as the cluster knows it
   * @return the line to log, when the node had said it waits
   */
  Optional<String> joined(Duration waited, String coordinator) {
    if (said.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "joined the cluster of the coordinator "
            + coordinator
            + " after waiting "
            + waited.toSeconds()
            + " s");
  }

  private Optional<Reason> reason(List<Sighting> sightings, Duration waited) {
    if (sightings.stream().allMatch(s -> s.state() == State.NO_NAME)) {
      return Optional.of(Reason.NO_NAME);
    }
    if (sightings.stream().anyMatch(s -> s.state() == State.ANSWERS)) {
      if (answeringSince == null) {
        answeringSince = waited;
      }
      return waited.minus(answeringSince).compareTo(answering) >= 0
          ? Optional.of(Reason.NOT_LET_IN)
          : Optional.empty();
    }
    answeringSince = null;
    return sightings.stream().anyMatch(s -> s.state() == State.NO_ANSWER)
        ? Optional.of(Reason.NO_ANSWER)
        : Optional.empty();
  }

  private String line(Reason reason, List<Sighting> sightings) {
    String where = join.stream().map(HostPort::toString).collect(Collectors.joining(" or "));
    String what = sightings.stream().map(JoinWait::describe).collect(Collectors.joining("; "));
    String next =
        switch (reason) {
          case NO_NAME ->
              "; the node looks it up again and joins once it resolves and the coordinator"
                  + " answers (in Kubernetes its DNS record may not exist yet)";
          case NO_ANSWER -> "; the node keeps trying until the coordinator answers";
          case NOT_LET_IN ->
              ". It may be busy, or know itself by another name: a coordinator lets in only nodes"
                  + " that join it by the host it advertises, written as it is there (the cluster="
                  + " of its ready line: its --advertise, else its --host), not by another name or"
                  + " address for it; a coordinator standing by for a shared journal lets none in"
                  + " until it leads. The node keeps trying";
        };
    return "waiting for the coordinator at " + where + ": " + what + next;
  }

  private static String describe(Sighting sighting) {
    HostPort address = sighting.address();
    return switch (sighting.state()) {
      case NO_NAME -> "the name " + address.host() + " does not resolve";
      case RESOLVES -> address + " resolves to " + sighting.detail();
      case NO_ANSWER -> "nothing answers at " + address + " (" + sighting.detail() + ")";
      case ANSWERS ->
          address
              + resolvedTo(address, sighting.detail())
              + " answers but has not let this node join";
    };
  }

  private static String resolvedTo(HostPort address, String resolved) {
    return resolved.isEmpty() || resolved.equals(address.host()) ? "" : " (" + resolved + ")";
  }
}
