package cohort.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

  /** Tests that HOST:PORT parses, IPv6-style hosts included. */
  @Test
  void parses() {
    assertThat(HostPort.parse("127.0.0.1:25520", "--join"))
        .isEqualTo(new HostPort("127.0.0.1", 25520));
    assertThat(HostPort.parse(" [::1]:80 ", "--join").host()).isEqualTo("[::1]");
  }

  /** Tests that each malformed address is refused naming the flag and an example. */
  @Test
  void refusesMalformed() {
    assertThatThrownBy(() -> HostPort.parse("localhost", "--join"))
        .hasMessage("--join 'localhost' is not HOST:PORT; for example 127.0.0.1:25520");
    assertThatThrownBy(() -> HostPort.parse("h:x", "--join"))
        .hasMessageContaining("no numeric port");
    assertThatThrownBy(() -> HostPort.parse("h:70000", "--join"))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> HostPort.requirePort(-1, "cohort.node.cluster-port"))
        .hasMessage(
            "cohort.node.cluster-port = -1 is out of range: use 0 to 65535 (0 picks a free port)");
  }

  /** Tests which hosts only this machine can reach: loopback addresses, and names of them alone. */
  @Test
  void loopbackOnlyMeansThisMachine() {
    org.assertj.core.api.Assertions.assertThat(HostPort.loopbackOnly("127.0.0.1")).isTrue();
    org.assertj.core.api.Assertions.assertThat(HostPort.loopbackOnly("::1")).isTrue();
    org.assertj.core.api.Assertions.assertThat(HostPort.loopbackOnly("0.0.0.0")).isFalse();
    org.assertj.core.api.Assertions.assertThat(HostPort.loopbackOnly("198.18.0.1")).isFalse();
    org.assertj.core.api.Assertions.assertThat(HostPort.loopbackOnly("no-such-host.invalid"))
        .isFalse();
  }
}
