package cohort.protocol.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCaTest {

  @TempDir Path dir;

  /**
   * Tests that a CA issues a member's PEM files (PKCS#8 key, owner-only) for its hosts, which load
   * back and are checked against the host the member binds to.
   */
  @Test
  void issuesMembersThatLoadForTheirHostsOnly() throws Exception {
    ClusterCa ca = ClusterCa.init(dir.resolve("ca"), "Test");
    Path member = dir.resolve("m");
    ca.issue(List.of("node7.example", "10.0.0.7"), Duration.ofDays(2), member);
    assertThat(Files.readString(member.resolve("tls.key")))
        .startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(member.resolve("tls.key"))))
        .isEqualTo("rw-------");
    MemberTls tls = MemberTls.load(member, "10.0.0.7");
    assertThat(MemberTls.names(tls.chain().get(0))).containsExactly("node7.example", "10.0.0.7");
    assertThat(MemberTls.load(member, "NODE7.example").trusted()).hasSize(1);
    assertThatThrownBy(() -> MemberTls.load(member, "10.0.0.8"))
        .hasMessageContaining("is for node7.example, 10.0.0.7, not for 10.0.0.8")
        .hasMessageContaining("cohort ca issue --host 10.0.0.8");
    assertThatThrownBy(() -> ClusterCa.init(dir.resolve("ca"), "Again"))
        .hasMessageContaining("already holds a CA");
    assertThatThrownBy(() -> ClusterCa.open(dir.resolve("nothing")))
        .hasMessageContaining("make one with: cohort ca init");
  }

  /** Tests that an expired certificate, or one from another CA, is refused at load, saying why. */
  @Test
  void expiredOrForeignCertificatesAreRefusedAtStart() {
    ClusterCa ca = ClusterCa.init(dir.resolve("ca"), "Test");
    Path expired = dir.resolve("expired");
    ca.issue(List.of("127.0.0.1"), Duration.ofMinutes(-5), expired);
    assertThatThrownBy(() -> MemberTls.load(expired, "127.0.0.1"))
        .hasMessageContaining("expired on");

    Path foreign = dir.resolve("foreign");
    ClusterCa.init(dir.resolve("other"), "Other")
        .issue(List.of("127.0.0.1"), Duration.ofDays(1), foreign);
    try {
      Files.copy(
          dir.resolve("ca").resolve("ca.crt"),
          foreign.resolve("ca.crt"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThatThrownBy(() -> MemberTls.load(foreign, "127.0.0.1"))
        .hasMessageContaining("is not signed by the CA in");
  }

  /** Tests that a member issues itself one certificate per host, reused while it is valid. */
  @Test
  void aMemberReusesTheCertificateItIssuedItself() throws Exception {
    ClusterCa ca = ClusterCa.openOrCreate(dir.resolve("ca"));
    Path first = ca.memberFor(List.of("127.0.0.1"));
    String cert = Files.readString(first.resolve("tls.crt"));
    Path again = ClusterCa.openOrCreate(dir.resolve("ca")).memberFor(List.of("127.0.0.1"));
    assertThat(again).isEqualTo(first);
    assertThat(Files.readString(again.resolve("tls.crt"))).isEqualTo(cert);
    assertThat(MemberTls.load(again, "127.0.0.1").chain()).hasSize(1);
  }

  /**
   * Tests that a member known by a name issues itself a certificate naming it and the address it
   * binds, apart from the one it would have by its address alone.
   */
  @Test
  void aMemberAdvertisedByANameHasACertificateForTheNameAndItsAddress() {
    ClusterCa ca = ClusterCa.openOrCreate(dir.resolve("ca"));
    Path byAddress = ca.memberFor(List.of("127.0.0.1"));
    Path byName = ca.memberFor(List.of("coordinator.cohort.test", "127.0.0.1"));
    assertThat(byName).isNotEqualTo(byAddress);
    MemberTls tls = MemberTls.load(byName, "coordinator.cohort.test");
    assertThat(MemberTls.names(tls.chain().get(0)))
        .containsExactly("coordinator.cohort.test", "127.0.0.1");
    assertThatThrownBy(() -> MemberTls.load(byAddress, "coordinator.cohort.test"))
        .hasMessageContaining("is for 127.0.0.1, not for coordinator.cohort.test")
        .hasMessageContaining("(its --advertise, or else its --host)");
  }
}
