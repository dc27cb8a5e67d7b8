package cohort.protocol.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberHostTest {

  private static MemberHost read(String host, String advertise) {
    Config config =
        ConfigFactory.parseMap(Map.of("cohort.host", host, "cohort.advertise", advertise));
    return MemberHost.fromConfig(config);
  }

  /** Tests that an empty advertise means the bound host, and a given one is kept, trimmed. */
  @Test
  void advertisesTheBoundHostUnlessToldAnother() {
    assertThat(read("127.0.0.1", "")).isEqualTo(new MemberHost("127.0.0.1", "127.0.0.1"));
    assertThat(read("127.0.0.1", "  ")).isEqualTo(new MemberHost("127.0.0.1", "127.0.0.1"));
    assertThat(read("0.0.0.0", " cohort-coordinator-0.cohort-coordinator.default.svc "))
        .isEqualTo(
            new MemberHost("0.0.0.0", "cohort-coordinator-0.cohort-coordinator.default.svc"));
    assertThat(MemberHost.fromConfig(ConfigFactory.parseMap(Map.of("cohort.host", "10.0.0.5"))))
        .isEqualTo(new MemberHost("10.0.0.5", "10.0.0.5"));
  }

  /**
   * Tests that binding every interface without an advertised host is refused, saying to give
   * --advertise, and that the wildcard is no advertised host either.
   */
  @Test
  void everyInterfaceNeedsAnAdvertisedHost() {
    for (String wildcard : new String[] {"0.0.0.0", "::", "[::]"}) {
      assertThatThrownBy(() -> read(wildcard, ""))
          .hasMessage(
              "cohort.host = "
                  + wildcard
                  + " binds every interface, and other members cannot reach this one at "
                  + wildcard
                  + ": give the address or DNS name they reach it at with --advertise HOST (env"
                  + " COHORT_ADVERTISE), or bind one interface with --host");
    }
    assertThatThrownBy(() -> read("127.0.0.1", "0.0.0.0"))
        .hasMessageStartingWith(
            "cohort.advertise = 0.0.0.0 is no address other members can reach this one at")
        .hasMessageContaining("--advertise HOST");
    assertThat(read("0.0.0.0", "127.0.0.2").bindsEveryInterface()).isTrue();
    assertThat(read("127.0.0.1", "localhost").bindsEveryInterface()).isFalse();
  }

  /** Tests that a port, a URL or spaces where a host belongs are refused, naming the setting. */
  @Test
  void refusesWhatIsNoHost() {
    assertThatThrownBy(() -> read("127.0.0.1", "coordinator.example.com:25520"))
        .hasMessage(
            "cohort.advertise = 'coordinator.example.com:25520' has a port; the role's own port"
                + " setting gives it: give a host name or address alone, such as --advertise"
                + " coordinator.example.com");
    assertThatThrownBy(() -> read("127.0.0.1", "http://coordinator.example.com"))
        .hasMessageStartingWith(
            "cohort.advertise = 'http://coordinator.example.com' is not a host");
    assertThatThrownBy(() -> read("127.0.0.1:25520", ""))
        .hasMessageStartingWith("cohort.host = '127.0.0.1:25520' has a port");
    assertThatThrownBy(() -> read("", "")).hasMessageContaining("cohort.host is empty");
    assertThatThrownBy(() -> read("127.0.0.1", "a b")).hasMessageContaining("is not a host");
    assertThat(read("::1", "").advertised()).isEqualTo("::1");
  }

  /**
   * Tests the names a member's own certificate holds: the advertised host, and the bound address
   * when it is one address and another name.
   */
  @Test
  void theCertificateNamesTheAdvertisedHostAndAConcreteBoundAddress() {
    assertThat(read("127.0.0.1", "").certificateHosts()).containsExactly("127.0.0.1");
    assertThat(read("127.0.0.1", "localhost").certificateHosts())
        .containsExactly("localhost", "127.0.0.1");
    assertThat(read("0.0.0.0", "127.0.0.2").certificateHosts()).containsExactly("127.0.0.2");
    assertThat(read("Node.Example", "node.example").certificateHosts())
        .containsExactly("node.example");
  }

  /** Tests Pekko's settings: known by the advertised host, bound to the interface. */
  @Test
  void pekkoAdvertisesOneHostAndBindsTheOther() {
    assertThat(read("0.0.0.0", "127.0.0.2").arterySettings(0))
        .containsEntry("pekko.remote.artery.canonical.hostname", "127.0.0.2")
        .containsEntry("pekko.remote.artery.canonical.port", 0)
        .containsEntry("pekko.remote.artery.bind.hostname", "0.0.0.0")
        .hasSize(3);
  }
}
