package cohort.protocol.cluster;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a coordinator or node JVM listens and where the others reach it, which differ behind NAT,
 * behind a TCP relay, or in Kubernetes (bound to every interface or to the pod's address, reached
 * by a stable DNS name). Pekko names each member by one address and drops what is sent to another
 * name for it, so the advertised host is the only one that works: nodes must join the coordinator
 * by it, and it is what Cohort shows to users.
 *
 * @param bind the interface the JVM's sockets bind to ({@code cohort.host}); {@code 0.0.0.0} or
 *     {@code ::} for every interface
 * @param advertised the host name or address other members and clients reach this JVM at ({@code
 *     cohort.advertise}, or else {@code cohort.host})
 */
public record MemberHost(String bind, String advertised) {

  /** The key of the interface every Cohort socket binds to. */
  public static final String HOST = "cohort.host";

  /** The key of the host other members and clients reach this JVM at. */
  public static final String ADVERTISE = "cohort.advertise";

  private static final List<String> EVERY_INTERFACE =
      List.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "[0:0:0:0:0:0:0:0]");

  /**
   * @throws IllegalArgumentException naming the bad setting and what to give instead
   */
  public MemberHost {
    bind = bind == null ? "" : bind.strip();
    advertised = advertised == null ? "" : advertised.strip();
    if (bind.isEmpty()) {
      throw new IllegalArgumentException(
          HOST + " is empty: give the interface to bind, such as --host 127.0.0.1");
    }
    if (advertised.isEmpty()) {
      throw new IllegalArgumentException(
          ADVERTISE + " is empty: give the host other members reach this one at");
    }
    if (everyInterface(advertised)) {
      String which =
          advertised.equalsIgnoreCase(bind)
              ? HOST + " = " + bind + " binds every interface, and other members cannot reach"
              : ADVERTISE + " = " + advertised + " is no address other members can reach";
      throw new IllegalArgumentException(
          which
              + " this one at "
              + advertised
              + ": give the address or DNS name they reach it at with --advertise HOST (env"
              + " COHORT_ADVERTISE), or bind one interface with --host");
    }
    checkHostOnly(HOST, bind);
    checkHostOnly(ADVERTISE, advertised);
  }

  /**
   * Reads {@code cohort.host} and {@code cohort.advertise}: an empty advertise means the bind host.
   *
   * @throws IllegalArgumentException naming the bad setting and what to give instead
   */
  public static MemberHost fromConfig(Config config) {
    String bind = config.getString(HOST);
    String advertise = config.hasPath(ADVERTISE) ? config.getString(ADVERTISE).strip() : "";
    return new MemberHost(bind, advertise.isEmpty() ? bind : advertise);
  }

  /** Whether the JVM binds every interface (the wildcard address) rather than one. */
  public boolean bindsEveryInterface() {
    return everyInterface(bind);
  }

  /**
   * The names a member's own certificate must hold: the advertised host, which peers check, and the
   * bound interface when it is one address and another name.
   */
  public List<String> certificateHosts() {
    List<String> hosts = new ArrayList<>(List.of(advertised));
    if (!bindsEveryInterface() && !bind.equalsIgnoreCase(advertised)) {
      hosts.add(bind);
    }
    return List.copyOf(hosts);
  }

  /**
   * Pekko's settings for a member on {@code port}: known to the others by the advertised host and
   * bound to the interface. With port 0 Pekko binds a free port and advertises the one it got.
   */
  public Map<String, Object> arterySettings(int port) {
    return Map.of(
        "pekko.remote.artery.canonical.hostname", advertised,
        "pekko.remote.artery.canonical.port", port,
        "pekko.remote.artery.bind.hostname", bind);
  }

  private static boolean everyInterface(String host) {
    return EVERY_INTERFACE.contains(host.toLowerCase(Locale.ROOT));
  }

  /** Refuses a port, a URL or spaces where a host alone belongs. */
  private static void checkHostOnly(String key, String host) {
    String fix =
        ": give a host name or address alone, such as "
            + (key.equals(HOST) ? "--host 0.0.0.0" : "--advertise coordinator.example.com");
    if (host.contains("/") || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(key + " = '" + host + "' is not a host" + fix);
    }
    // One colon is a port; an IPv6 address has several.
    if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      throw new IllegalArgumentException(
          key + " = '" + host + "' has a port; the role's own port setting gives it" + fix);
    }
  }
}
