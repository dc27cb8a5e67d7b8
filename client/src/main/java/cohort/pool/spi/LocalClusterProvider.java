package cohort.pool.spi;

import cohort.api.security.Token;
import java.net.URI;
import java.time.Duration;

/**
 * Starts a whole cluster (a coordinator and a node) inside this JVM, for {@link
 * cohort.pool.Cohort#local(int)}. Found with {@link java.util.ServiceLoader}: the {@code
 * cohort-cli} artifact provides one, so a program that has it on its class path can run without a
 * cluster.
 */
public interface LocalClusterProvider {

  /** A running in-process cluster; closing it stops it. */
  interface LocalCluster extends AutoCloseable {
    /** Where its HTTP API serves. */
    URI url();

    /** The token of its HTTP API. */
    Token token();

    @Override
    void close();
  }

  /**
   * Starts the cluster and waits until its node serves.
   *
   * @param slots the node's worker slots
   * @throws IllegalStateException when it does not come up within {@code timeout}
   */
  LocalCluster start(int slots, Duration timeout);
}
