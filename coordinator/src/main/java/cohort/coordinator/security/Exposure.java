package cohort.coordinator.security;

import cohort.protocol.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule for a coordinator reachable from other machines: it serves HTTPS (its token then never
 * crosses the network in the clear) and its cluster port speaks TLS, unless the user said {@code
 * --insecure}, and then it warns at every start. On loopback only this machine can connect, and the
 * token alone guards it.
 */
public final class Exposure {

  private static final Logger LOG = LoggerFactory.getLogger(Exposure.class);

  private Exposure() {}

  /**
   * Checks the coordinator may start as set up.
   *
   * @param host the interface it binds to
   * @param https whether its API serves HTTPS
   * @param clusterTls whether its cluster port speaks TLS
   * @param insecure whether the user allowed it to be open anyway
   * @throws IllegalArgumentException when it would be open beyond loopback, saying how to mend it
   */
  public static void check(String host, boolean https, boolean clusterTls, boolean insecure) {
    if (HostPort.loopbackOnly(host) || (https && clusterTls)) {
      return;
    }
    String missing =
        !https && !clusterTls
            ? "HTTPS and a TLS cluster port"
            : !https ? "HTTPS" : "a TLS cluster port";
    if (insecure) {
      LOG.warn(
          "--insecure: the coordinator binds to {} without {}; anyone on the network who can"
              + " reach it may read tokens, inputs and results in transit",
          host,
          missing);
      return;
    }
    throw new IllegalArgumentException(
        "the coordinator would bind to "
            + host
            + ", beyond this machine, without "
            + missing
            + ": give --tls-cert and --tls-key (PEM; cohort ca issue makes them) and keep"
            + " cohort.cluster-tls on, or bind to 127.0.0.1; --insecure starts it anyway");
  }
}
