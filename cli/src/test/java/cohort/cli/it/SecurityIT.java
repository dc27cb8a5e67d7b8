package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.NodeStatus;
import cohort.api.Result;
import cohort.api.direct.DirectAuth;
import cohort.api.direct.DirectFrames;
import cohort.api.security.TokenFile;
import cohort.cli.local.JvmProcess;
import cohort.protocol.security.ClusterCa;
import cohort.protocol.security.Pem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may use a cluster, tested on real JVMs: the token on every HTTP route and on the nodes'
 * direct ports, the CLI finding it, cluster members refused for a certificate from another CA, an
 * expired one, none, or no TLS at all (each in one log line on the refusing side, the JVM
 * unharmed), and a job that runs on the members that are let in.
 */
class SecurityIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, false);

  @TempDir Path temp;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String url() {
    return CLUSTER.cluster().url();
  }

  private static HttpResponse<String> send(String method, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method, HttpRequest.BodyPublishers.ofString("{\"task\":\"echo\",\"inputs\":[1]}"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Tests that every route of a real coordinator but {@code /health} answers 401 without the token
   * or with a wrong one, and that {@code /health} says nothing of jobs.
   */
  @Test
  void everyRouteNeedsTheToken() throws Exception {
    String job =
        CLUSTER.client().submit(JobRequest.of("echo", List.<JsonNode>of(LongNode.valueOf(1)))).id();
    List<String[]> routes =
        List.of(
            new String[] {"POST", "/jobs"},
            new String[] {"POST", "/jobs?wait=5s"},
            new String[] {"GET", "/jobs"},
            new String[] {"GET", "/jobs/" + job},
            new String[] {"DELETE", "/jobs/" + job},
            new String[] {"GET", "/jobs/" + job + "/results"},
            new String[] {"POST", "/jobs/" + job + "/inputs"},
            new String[] {"POST", "/jobs/" + job + "/blobs"},
            new String[] {"GET", "/jobs/" + job + "/blobs?wait=1s"},
            new String[] {"GET", "/blobs/" + job + "/0"},
            new String[] {"PUT", "/blobs/" + job + "/c0"},
            new String[] {"GET", "/cluster"},
            new String[] {"GET", "/tasks"},
            new String[] {"GET", "/metrics"},
            new String[] {"PUT", "/code/" + "ab".repeat(32)},
            new String[] {"GET", "/code/" + "ab".repeat(32)},
            new String[] {"POST", "/deployments"},
            new String[] {"GET", "/deployments"},
            new String[] {"GET", "/nothing-here"});
    for (String[] route : routes) {
      for (String authorization : new String[] {null, "Bearer not-the-token-0123456789"}) {
        HttpResponse<String> refused = send(route[0], route[1], authorization);
        assertThat(refused.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
        assertThat(refused.body())
            .contains(authorization == null ? "has no token" : "token is wrong")
            .contains("Authorization: Bearer");
      }
    }
    HttpResponse<String> health = send("GET", "/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"up\"").doesNotContain(job);
    // The job was not cancelled by the refused DELETE.
    assertThat(CLUSTER.client().status(job).state()).isNotEqualTo("CANCELLED");
  }

  /**
   * Tests the CLI's token: a wrong one is refused saying where the client's came from; a token file
   * given by flag, or found in the default data folder, works; none at all says what to do.
   */
  @Test
  void theCommandLineFindsTheTokenOrSaysWhereToLook() throws Exception {
    Cli.Run wrong =
        Cli.run(
            Map.of("COHORT_TOKEN", "not-the-token-0123456789"), "status", "--coordinator", url());
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.stderr()).contains("token is wrong").contains("COHORT_TOKEN");

    Path file = temp.resolve("token");
    TokenFile.write(file, CLUSTER.cluster().token());
    Cli.Run byFlag =
        Cli.run(
            Map.of("COHORT_TOKEN", ""),
            "submit",
            "echo",
            "a",
            "--coordinator",
            url(),
            "--token-file",
            file.toString());
    assertThat(byFlag.exitCode()).as(byFlag.stderr()).isZero();
    assertThat(byFlag.stdout()).singleElement().asString().contains("\"output\":\"a\"");

    Path dataDir = Files.createDirectories(temp.resolve("data"));
    TokenFile.write(dataDir.resolve(TokenFile.NAME), CLUSTER.cluster().token());
    Cli.Run byFolder =
        Cli.run(
            Map.of("COHORT_TOKEN", "", "COHORT_DATA_DIR", dataDir.toString()),
            "status",
            "--coordinator",
            url());
    assertThat(byFolder.exitCode()).as(byFolder.stderr()).isZero();

    Cli.Run none = Cli.run(Map.of("COHORT_TOKEN", ""), "status", "--coordinator", url());
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.stderr()).contains("has no token").contains("this client found no token");
  }

  /** Tests that a node's direct port refuses a client without the node token, saying why. */
  @Test
  void theDirectPortNeedsTheToken() throws Exception {
    NodeStatus node = CLUSTER.client().cluster().nodes().get(0);
    String[] hostPort = node.direct().split(":");
    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      socket.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DirectFrames.hello(out);
      DirectFrames.write(out, new DirectAuth("not-the-node-token"));
      out.flush();
      try {
        DirectFrames.expectHello(new DataInputStream(socket.getInputStream()));
        throw new AssertionError("the node took a client with a wrong token");
      } catch (IOException refused) {
        assertThat(refused.getMessage())
            .isEqualTo(
                "the node refused the connection: wrong or missing token: direct calls need the"
                    + " token of the cluster's coordinator (CohortClient sends it when it has the"
                    + " coordinator's token)");
      }
    }
    // A client with the token is served.
    try (var direct = CLUSTER.client().direct()) {
      assertThat(direct.call("echo", "hi").get(30, java.util.concurrent.TimeUnit.SECONDS).asText())
          .isEqualTo("hi");
    }
  }

  /**
   * Tests that a node whose certificate comes from another CA cannot join, that both sides say why
   * in one line, and that a job runs on the members let in.
   */
  @Test
  void aMemberFromAnotherCaIsRefusedAndTheJobRunsOnTheOthers() throws Exception {
    Path rogueCa = temp.resolve("rogue-ca");
    Cli.Run init = Cli.run("ca", "init", rogueCa.toString(), "--name", "Rogue");
    assertThat(init.exitCode()).as(init.stderr()).isZero();
    Cli.Run issue = Cli.run("ca", "issue", "--host", "127.0.0.1", rogueCa.toString());
    assertThat(issue.exitCode()).as(issue.stderr()).isZero();
    Path rogueDir = rogueCa.resolve("127.0.0.1");
    assertThat(rogueDir.resolve("tls.key")).exists();

    Path rogueLog = temp.resolve("rogue-node.log");
    try (JvmProcess rogue =
        JvmProcess.start(
            "rogue-node",
            Children.classPath(),
            List.of("-Xmx128m"),
            List.of(
                "node",
                "--join",
                CLUSTER.cluster().clusterAddress(),
                "--workers",
                "4",
                "--cluster-tls-dir",
                rogueDir.toString(),
                "--parent-pid",
                String.valueOf(ProcessHandle.current().pid())),
            Optional.of(rogueLog),
            line -> {},
            false)) {
      // The joining side checks the coordinator's certificate first (TLS 1.3), refuses it, and
      // breaks off before showing its own; each side says so in one line.
      String refused = awaitLine(rogueLog, "refused to connect to cluster member");
      assertThat(refused)
          .contains(CLUSTER.cluster().clusterAddress())
          .contains("signed by 'CN=Cohort cluster CA,O=Cohort', not by this cluster's CA")
          .contains("'CN=Rogue CA,O=Cohort'");
      assertThat(
              awaitLine(
                  CLUSTER.logs().resolve("coordinator.log"),
                  "it does not accept this member's certificate"))
          .contains("no member of this cluster");

      List<JsonNode> inputs = Collections.nCopies(20, LongNode.valueOf(10));
      JobOutcome outcome = CLUSTER.client().run(JobRequest.of("where", inputs));
      assertThat(outcome.results()).hasSize(20);
      Set<String> ranOn =
          outcome.results().stream().map(r -> r.output().asText()).collect(Collectors.toSet());
      Set<String> members =
          CLUSTER.client().cluster().nodes().stream()
              .map(NodeStatus::address)
              .collect(Collectors.toSet());
      assertThat(members).hasSize(2);
      assertThat(members).containsAll(ranOn);
      assertThat(rogue.isAlive()).isTrue(); // refused, not crashed: it keeps trying
    }
  }

  /**
   * Tests peers that connect to the coordinator's cluster port by hand: without a certificate, with
   * an expired one from the cluster's own CA, without TLS, and a member that sends garbage inside
   * TLS. Each refusal is one line saying why; the coordinator serves on.
   */
  @Test
  void peersWithoutAValidCertificateAreRefusedAndGarbageIsDropped() throws Exception {
    String[] cluster = CLUSTER.cluster().clusterAddress().split(":");
    InetSocketAddress port = new InetSocketAddress(cluster[0], Integer.parseInt(cluster[1]));
    Path coordinatorLog = CLUSTER.logs().resolve("coordinator.log");
    Path caCert = CLUSTER.cluster().caDir().resolve(ClusterCa.CA_CERT);

    handshake(port, context(null, caCert));
    assertThat(awaitLine(coordinatorLog, "it presented no certificate")).contains("a peer");

    Path otherCa = temp.resolve("other-ca");
    ClusterCa.init(otherCa, "Other").issue(List.of("127.0.0.1"), Duration.ofDays(1), otherCa);
    handshake(port, context(otherCa, caCert));
    assertThat(awaitLine(coordinatorLog, "signed by 'CN=Other CA,O=Cohort'"))
        .contains("refused a cluster connection from 'CN=127.0.0.1,O=Cohort'")
        .contains("not by this cluster's CA 'CN=Cohort cluster CA,O=Cohort'");

    Path expired = temp.resolve("expired");
    ClusterCa.open(CLUSTER.cluster().caDir())
        .issue(List.of("127.0.0.1"), Duration.ofMinutes(-30), expired);
    handshake(port, context(expired, caCert));
    assertThat(awaitLine(coordinatorLog, "its certificate expired on"))
        .contains("'CN=127.0.0.1,O=Cohort'");

    try (Socket plain = new Socket()) {
      plain.connect(port, 10_000);
      plain
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      plain.getOutputStream().flush();
      plain.setSoTimeout(10_000);
      plain.getInputStream().read(); // the coordinator closes it
    } catch (IOException closed) {
      // as expected
    }
    assertThat(awaitLine(coordinatorLog, "it does not speak TLS")).contains("refused");

    // A member's own certificate, then bytes that are no Artery frames: dropped, not fatal.
    Path member = temp.resolve("member");
    ClusterCa.open(CLUSTER.cluster().caDir())
        .issue(List.of("127.0.0.1"), Duration.ofDays(1), member);
    byte[] garbage = new byte[64 * 1024];
    new SecureRandom().nextBytes(garbage);
    try (SSLSocket socket = (SSLSocket) context(member, caCert).getSocketFactory().createSocket()) {
      socket.connect(port, 10_000);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(garbage);
      out.flush();
      socket.getInputStream().read();
    } catch (IOException closed) {
      // the coordinator drops the connection
    }

    JobOutcome after =
        CLUSTER
            .client()
            .run(
                JobRequest.of("echo", List.<JsonNode>of(LongNode.valueOf(1), LongNode.valueOf(2))));
    assertThat(after.results().stream().map(Result::output).map(Object::toString))
        .containsExactly("1", "2");
    assertThat(CLUSTER.cluster().coordinator().isAlive()).isTrue();
  }

  /**
   * A client context that presents the member key and certificate in {@code member} (none when
   * null) and trusts {@code caCert}.
   */
  private static SSLContext context(Path member, Path caCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.certificates(caCert).get(0));
    TrustManagerFactory trusting = TrustManagerFactory.getInstance("PKIX");
    trusting.init(trust);
    KeyManagerFactory keys = null;
    if (member != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "member",
          Pem.privateKey(member.resolve("tls.key")),
          "x".toCharArray(),
          Pem.certificates(member.resolve("tls.crt")).toArray(X509Certificate[]::new));
      keys = KeyManagerFactory.getInstance("SunX509");
      keys.init(store, "x".toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(
        keys == null
            ? null
            : new KeyManager[] {new Always((X509ExtendedKeyManager) keys.getKeyManagers()[0])},
        trusting.getTrustManagers(),
        null);
    return context;
  }

  /**
   * Presents the member's certificate whatever CAs the server names: the JDK's own key manager
   * would send none from another CA, and the server would only see a peer without one.
   */
  private static final class Always extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    Always(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine engine) {
      return "member";
    }

    @Override
    public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
      return "member";
    }

    @Override
    public String[] getClientAliases(String type, Principal[] issuers) {
      return new String[] {"member"};
    }

    @Override
    public String[] getServerAliases(String type, Principal[] issuers) {
      return keys.getServerAliases(type, issuers);
    }

    @Override
    public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
      return keys.chooseServerAlias(type, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }

  /** Shakes hands with the port and reads until the coordinator closes the connection. */
  private static void handshake(InetSocketAddress port, SSLContext context) {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(port, 10_000);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      socket.getInputStream().read();
    } catch (IOException refused) {
      // refused, as expected: the log says why
    }
  }

  /** Waits for a line of the log that contains {@code text}, and returns it. */
  static String awaitLine(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        for (String line : lines) {
          if (line.contains(text)) {
            return line;
          }
        }
      }
      Jobs.pause(50);
    }
    throw new AssertionError(
        "no line with '" + text + "' in " + log + ":\n" + Files.readString(log));
  }
}
