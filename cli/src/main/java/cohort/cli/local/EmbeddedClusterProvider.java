package cohort.cli.local;

import cohort.api.security.Token;
import cohort.pool.spi.LocalClusterProvider;
import java.net.URI;
import java.time.Duration;

/**
 * The cluster {@link cohort.pool.Cohort#local(int)} starts: an {@link EmbeddedCluster}, a
 * coordinator and a node in the program's own JVM, serving HTTP on a free loopback port with a
 * token only this program knows.
 */
public final class EmbeddedClusterProvider implements LocalClusterProvider {

  @Override
  public LocalCluster start(int slots, Duration timeout) {
    EmbeddedCluster cluster = EmbeddedCluster.start(slots, timeout);
    URI url = cluster.url();
    return new LocalCluster() {
      @Override
      public URI url() {
        return url;
      }

      @Override
      public Token token() {
        return cluster.token();
      }

      @Override
      public void close() {
        cluster.close();
      }
    };
  }
}
