package cohort.protocol.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.protocol.cluster.MemberHost;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTlsTest {

  private static final MemberHost LOOPBACK = new MemberHost("127.0.0.1", "127.0.0.1");

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
    Config on = ClusterTls.configure(config("on", 1), LOOPBACK);
    assertThat(on.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(on.getString("pekko.remote.artery.ssl.ssl-engine-provider"))
        .isEqualTo(CohortSslEngineProvider.class.getName());
    assertThat(on.getInt(ClusterTls.ACTOR_THREADS)).isEqualTo(2);
    assertThat(MemberTls.load(Path.of(on.getString(ClusterTls.MEMBER_DIR)), "127.0.0.1").chain())
        .hasSize(1);
    assertThat(ClusterTls.httpsTrust(on, "127.0.0.1")).isPresent();
    assertThat(ClusterTls.configure(config("on", 8), LOOPBACK).getInt(ClusterTls.ACTOR_THREADS))
        .isEqualTo(8);

    Config off = config("off", 1);
    assertThat(ClusterTls.configure(off, LOOPBACK)).isSameAs(off);
    assertThat(ClusterTls.httpsTrust(off, "127.0.0.1")).isEmpty();
  }

  /**
   * Tests that a member bound to every interface issues itself a certificate for the host it
   * advertises alone, and that one given a folder whose certificate does not name that host does
   * not start, saying how to issue one.
   */
  @Test
  void theCertificateNamesTheAdvertisedHost() {
    Config on = ClusterTls.configure(config("on", 1), new MemberHost("0.0.0.0", "127.0.0.2"));
    Path member = Path.of(on.getString(ClusterTls.MEMBER_DIR));
    assertThat(MemberTls.names(MemberTls.load(member, "127.0.0.2").chain().get(0)))
        .containsExactly("127.0.0.2");

    Config withDir =
        ConfigFactory.parseMap(Map.of("cohort.cluster-tls.dir", member.toString()))
            .withFallback(config("on", 1));
    assertThat(
            ClusterTls.configure(withDir, new MemberHost("0.0.0.0", "127.0.0.2"))
                .getString(ClusterTls.MEMBER_DIR))
        .isEqualTo(member.toAbsolutePath().toString());
    assertThatThrownBy(
            () -> ClusterTls.configure(withDir, new MemberHost("127.0.0.1", "node-1.cohort.test")))
        .hasMessageContaining("is for 127.0.0.2, not for node-1.cohort.test")
        .hasMessageContaining("cohort ca issue --host node-1.cohort.test");
  }
}
