package cohort.protocol.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTlsTest {

  @TempDir Path dir;

  private Config config(String enabled, int threads) {
    return ConfigFactory.parseMap(
        Map.of(
            "cohort.cluster-tls.enabled",
            enabled,
            "cohort.cluster-tls.dir",
            "",
            "cohort.cluster-tls.ca-dir",
            dir.resolve("ca").toString(),
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min",
            threads));
  }

  /**
   * Tests that a member with TLS on gets the TLS transport, a certificate issued for its host, and
   * at least two actor threads; with TLS off its configuration is left as it was.
   */
  @Test
  void tlsOnSetsUpTheTransportAndTheThreadsItNeeds() {
    Config on = ClusterTls.configure(config("on", 1), "127.0.0.1");
    assertThat(on.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(on.getString("pekko.remote.artery.ssl.ssl-engine-provider"))
        .isEqualTo(CohortSslEngineProvider.class.getName());
    assertThat(on.getInt(ClusterTls.ACTOR_THREADS)).isEqualTo(2);
    assertThat(MemberTls.load(Path.of(on.getString(ClusterTls.MEMBER_DIR)), "127.0.0.1").chain())
        .hasSize(1);
    assertThat(ClusterTls.httpsTrust(on, "127.0.0.1")).isPresent();
    assertThat(ClusterTls.configure(config("on", 8), "127.0.0.1").getInt(ClusterTls.ACTOR_THREADS))
        .isEqualTo(8);

    Config off = config("off", 1);
    assertThat(ClusterTls.configure(off, "127.0.0.1")).isSameAs(off);
    assertThat(ClusterTls.httpsTrust(off, "127.0.0.1")).isEmpty();
  }
}
