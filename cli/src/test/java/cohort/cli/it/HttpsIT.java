package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.cli.local.JvmProcess;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator serving HTTPS with a certificate from {@code cohort ca issue}, and its cluster's CA
 * made by {@code cohort ca init}: the CLI trusts it when told the CA, a node fetches a job's files
 * over HTTPS with the node token, exec runs only the programs the node allows, and a coordinator
 * bound beyond loopback refuses to start without TLS unless told {@code --insecure}.
 */
class HttpsIT {

  @TempDir static Path dir;

  private static Path logs;
  private static Path ca;
  private static JvmProcess coordinator;
  private static JvmProcess node;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    logs = Children.logDir(HttpsIT.class);
    ca = dir.resolve("ca");
    Cli.Run init = Cli.run("ca", "init", ca.toString());
    assertThat(init.exitCode()).as(init.stderr()).isZero();
    Cli.Run issue =
        Cli.run(
            "ca",
            "issue",
            "--host",
            "127.0.0.1",
            "--out",
            dir.resolve("https").toString(),
            ca.toString());
    assertThat(issue.exitCode()).as(issue.stderr()).isZero();
    try {
      coordinator =
          start(
              "coordinator",
              List.of(
                  "coordinator",
                  "--host",
                  "127.0.0.1",
                  "--cluster-port",
                  "0",
                  "--http-port",
                  "0",
                  "--data-dir",
                  dir.resolve("data").toString(),
                  "--cluster-ca-dir",
                  ca.toString(),
                  "--tls-cert",
                  dir.resolve("https/tls.crt").toString(),
                  "--tls-key",
                  dir.resolve("https/tls.key").toString()));
      Map<String, String> ready = coordinator.awaitReady(Duration.ofSeconds(60));
      url = ready.get("http");
      node =
          start(
              "node",
              List.of(
                  "node",
                  "--join",
                  ready.get("cluster"),
                  "--workers",
                  "2",
                  "--cluster-ca-dir",
                  ca.toString(),
                  "--no-read-in-place",
                  "--allow-exec=echo"));
      node.awaitReady(Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      Children.printLogs(logs);
      stop();
      throw e;
    }
  }

  private static JvmProcess start(String name, List<String> args) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of("--parent-pid", String.valueOf(ProcessHandle.current().pid())));
    return JvmProcess.start(
        name,
        Children.classPath(),
        List.of("-Xmx256m"),
        all,
        Optional.of(logs.resolve(name + ".log")),
        line -> {},
        false);
  }

  @AfterAll
  static void stop() {
    for (JvmProcess process : new JvmProcess[] {node, coordinator}) {
      if (process != null) {
        process.stop(Duration.ofSeconds(30));
      }
    }
  }

  private static Cli.Run cli(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    int split = all.indexOf("--");
    List<String> trust = List.of("--coordinator", url, "--tls-ca", ca.resolve("ca.crt").toString());
    all.addAll(split < 0 ? all.size() : split, trust);
    return Cli.run(all.toArray(String[]::new));
  }

  /** Tests that the API serves HTTPS only, and the CLI trusts it once told the cluster's CA. */
  @Test
  void theCommandLineTrustsTheCoordinatorWithTheCa() {
    assertThat(url).startsWith("https://127.0.0.1:");
    Cli.Run untrusted = Cli.run("status", "--coordinator", url);
    assertThat(untrusted.exitCode()).isNotZero();
    assertThat(untrusted.stderr()).containsIgnoringCase("certificat");
    Cli.Run trusted = cli("status");
    assertThat(trusted.exitCode()).as(trusted.stderr()).isZero();
    Cli.Run plain = Cli.run("status", "--coordinator", url.replace("https://", "http://"));
    assertThat(plain.exitCode()).isNotZero();
  }

  /** Tests that a node that fetches every file does so over HTTPS, with the node token. */
  @Test
  void aNodeFetchesFilesOverHttps() throws Exception {
    Path photos = dir.resolve("photos");
    for (int i = 0; i < 3; i++) {
      FileInputsIT.photo(photos.resolve("p" + i + ".jpg"), 120 + i, 90);
    }
    Path thumbs = dir.resolve("thumbs");
    Cli.Run run =
        cli("submit", "thumbnail", "--dir", photos.toString(), "--out", thumbs.toString(), "-q");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    try (Stream<Path> written = Files.list(thumbs)) {
      assertThat(written.count()).isEqualTo(3);
    }
  }

  /** Tests that a node started with --allow-exec=echo runs echo and refuses another program. */
  @Test
  void execRunsOnlyTheProgramsTheNodeAllows() {
    Cli.Run echo = cli("submit", "exec", "hello", "--", "echo", "{}");
    assertThat(echo.exitCode()).as(echo.stderr()).isZero();
    assertThat(String.join("\n", echo.stdout())).contains("hello");
    Cli.Run id = cli("submit", "exec", "x", "--", "id");
    assertThat(id.exitCode()).isNotZero();
    assertThat(id.stderr()).contains("'id' is not allowed: this node runs only echo");
  }

  /**
   * Tests that a coordinator bound to an address other machines reach refuses to start without
   * HTTPS, saying what to do, and starts with --insecure, warning.
   */
  @Test
  void aCoordinatorBeyondLoopbackNeedsTlsOrInsecure() throws Exception {
    String address = nonLoopbackAddress();
    Assumptions.assumeTrue(
        address != null, "this machine has no address but loopback: nothing to bind beyond it");
    Cli.Run refused =
        Cli.run(
            "coordinator",
            "--host",
            address,
            "--cluster-port",
            "0",
            "--http-port",
            "0",
            "--data-dir",
            dir.resolve("open-data").toString(),
            "--cluster-ca-dir",
            ca.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr())
        .contains("would bind to " + address + ", beyond this machine, without HTTPS")
        .contains("--insecure");

    try (JvmProcess open =
        start(
            "insecure-coordinator",
            List.of(
                "coordinator",
                "--host",
                address,
                "--cluster-port",
                "0",
                "--http-port",
                "0",
                "--data-dir",
                dir.resolve("insecure-data").toString(),
                "--cluster-ca-dir",
                ca.toString(),
                "--insecure"))) {
      open.awaitReady(Duration.ofSeconds(60));
      assertThat(SecurityIT.awaitLine(logs.resolve("insecure-coordinator.log"), "--insecure"))
          .contains("without HTTPS");
    }
  }

  private static String nonLoopbackAddress() throws Exception {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!network.isUp() || network.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address.getHostAddress();
        }
      }
    }
    return null;
  }
}
