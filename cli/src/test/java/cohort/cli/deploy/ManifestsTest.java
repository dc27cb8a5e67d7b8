package cohort.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import cohort.cli.deploy.Manifests.Container;
import cohort.cli.deploy.Manifests.KubeObject;
import cohort.cli.deploy.Manifests.Mount;
import cohort.cli.deploy.Manifests.Pod;
import cohort.coordinator.CoordinatorSettings;
import cohort.coordinator.security.ApiAccess;
import cohort.coordinator.security.Exposure;
import cohort.node.NodeSettings;
import cohort.protocol.HostPort;
import cohort.protocol.security.ClusterCa;
import cohort.protocol.security.ClusterTls;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks deploy/kubernetes/ and the Dockerfile against Cohort itself, offline (nothing here can run
 * Kubernetes or Docker): the settings they give through the environment exist and are valid, the
 * ports, paths, health route and certificates are those Cohort uses, and the objects refer to each
 * other correctly. Each check fails saying what disagrees with what.
 */
class ManifestsTest {

  private static final CohortConf CONF = CohortConf.find();
  private static final Manifests MANIFESTS = Manifests.read(CONF.root.resolve("deploy/kubernetes"));
  private static final Dockerfile DOCKERFILE = new Dockerfile(CONF.read("Dockerfile"));

  /** The apiVersion of each kind the manifests may hold; a new kind is added here. */
  private static final Map<String, String> API_VERSIONS =
      Map.of(
          "Service", "v1",
          "StatefulSet", "apps/v1",
          "Deployment", "apps/v1",
          "PodDisruptionBudget", "policy/v1");

  /**
   * How long a node may take, after its drain timeout, to leave: the 2 s its interrupted tasks get,
   * then Pekko's leaving and the JVM's exit (docs/faults-and-lifecycle.md, "Stopping a node").
   */
  private static final Duration LEAVING = Duration.ofSeconds(15);

  /** The variable the --advertise change brings (cohort.advertise): checked like the others. */
  private static final String ADVERTISE = "COHORT_ADVERTISE";

  /** Tests that every document is a Kubernetes object of a known kind, named once. */
  @Test
  void everyObjectHasAKnownKindAndAName() {
    assertThat(MANIFESTS.objects).as("objects in deploy/kubernetes").isNotEmpty();
    Set<String> seen = new TreeSet<>();
    for (KubeObject object : MANIFESTS.objects) {
      assertThat(object.kind()).as("kind of " + object.where()).isNotEmpty();
      assertThat(API_VERSIONS)
          .as("kinds the manifests may hold (%s)", object.where())
          .containsKey(object.kind());
      assertThat(object.apiVersion())
          .as("apiVersion of " + object)
          .isEqualTo(API_VERSIONS.get(object.kind()));
      assertThat(object.name()).as("metadata.name of " + object.where()).isNotEmpty();
      assertThat(seen.add(object.kind() + "/" + object.name())).as("one " + object).isTrue();
    }
    assertThat(MANIFESTS.pod("coordinator").owner.kind()).isEqualTo("StatefulSet");
    assertThat(MANIFESTS.pod("node").owner.kind()).isEqualTo("Deployment");
  }

  /**
   * Tests that workloads select their own pods, that every Service selects the coordinator's pods
   * only, that the StatefulSet's serviceName is its headless Service, and that the budget covers
   * the nodes.
   */
  @Test
  void labelsAndSelectorsAgree() {
    for (Pod pod : MANIFESTS.pods()) {
      JsonNode selector = pod.owner.spec().path("selector");
      assertThat(selector.has("matchExpressions")).as("matchExpressions in " + pod).isFalse();
      Map<String, String> matchLabels = Manifests.strings(selector.path("matchLabels"));
      assertThat(matchLabels).as("selector of " + pod).isNotEmpty();
      assertThat(pod.labels()).as("pod labels of " + pod).containsAllEntriesOf(matchLabels);
    }
    Pod coordinator = MANIFESTS.pod("coordinator");
    for (KubeObject service : MANIFESTS.all("Service")) {
      assertThat(selected(service.spec().path("selector")))
          .as("workloads whose pods %s selects: the coordinator's (nodes serve nothing)", service)
          .containsExactly(coordinator);
    }
    String serviceName = coordinator.owner.spec().path("serviceName").asText();
    KubeObject headless =
        MANIFESTS.all("Service").stream()
            .filter(s -> s.name().equals(serviceName))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no Service " + serviceName + " for " + coordinator));
    assertThat(headless.spec().path("clusterIP").asText())
        .as("clusterIP of " + headless)
        .isEqualTo("None");
    assertThat(headless.spec().path("publishNotReadyAddresses").asBoolean())
        .as("publishNotReadyAddresses of %s: the seed must resolve before it is ready", headless)
        .isTrue();
    assertThat(coordinator.owner.spec().path("replicas").asInt(1)).as("coordinators").isEqualTo(1);

    Pod node = MANIFESTS.pod("node");
    List<KubeObject> budgets = MANIFESTS.all("PodDisruptionBudget");
    assertThat(budgets).as("PodDisruptionBudgets").hasSize(1);
    assertThat(selected(budgets.get(0).spec().path("selector").path("matchLabels")))
        .as("pods " + budgets.get(0) + " selects")
        .containsExactly(node);
  }

  private static List<Pod> selected(JsonNode selector) {
    Map<String, String> labels = Manifests.strings(selector);
    assertThat(labels).as("a selector").isNotEmpty();
    return MANIFESTS.pods().stream()
        .filter(p -> p.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  /**
   * Tests that every COHORT_ variable the manifests set is one Cohort reads: a setting in conf/, or
   * a variable of bin/cohort; and that $(VAR) references name variables defined before them.
   */
  @Test
  void everyVariableIsOneCohortReads() {
    Set<String> launcher = CONF.launcherVariables();
    List<String> unknown = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Pod pod : MANIFESTS.pods()) {
      for (Container container : all(pod)) {
        container.args(); // expands them, recording references to undefined variables
        problems.addAll(container.problems);
        for (String name : container.env.keySet()) {
          if (name.startsWith("COHORT_")
              && !launcher.contains(name)
              && CONF.settingsOf(container.subcommand(), name).isEmpty()) {
            unknown.add(
                name
                    + " ("
                    + container
                    + ")"
                    + (name.equals(ADVERTISE)
                        ? ": it comes with the --advertise change (cohort.advertise); merge it"
                            + " before this test"
                        : ""));
          }
        }
      }
    }
    assertThat(new LinkedHashSet<>(problems)).as("environment references").isEmpty();
    assertThat(unknown)
        .as("COHORT_ variables that no conf/*.conf setting (${?VAR}) nor bin/cohort reads")
        .isEmpty();
  }

  /**
   * Tests that the ports the containers declare, the Services forward to and the probes ask are the
   * ports Cohort listens on with the settings the manifests give.
   */
  @Test
  void portsAreTheOnesCohortListensOn() {
    Container coordinator = MANIFESTS.pod("coordinator").main();
    CoordinatorSettings settings = coordinatorSettings(coordinator);
    assertThat(coordinator.ports())
        .as("ports of " + coordinator)
        .isEqualTo(Map.of("cluster", settings.clusterPort(), "http", settings.httpPort()));
    Container node = MANIFESTS.pod("node").main();
    NodeSettings nodeSettings = nodeSettings(node);
    assertThat(nodeSettings.clusterPort())
        .as("the node's cluster port (cohort.node.cluster-port): fixed, so the pod declares it")
        .isNotZero();
    assertThat(node.ports())
        .as("ports of " + node)
        .isEqualTo(Map.of("cluster", nodeSettings.clusterPort()));

    for (KubeObject service : MANIFESTS.all("Service")) {
      Container target = selected(service.spec().path("selector")).get(0).main();
      for (JsonNode port : service.spec().path("ports")) {
        Optional<Integer> forwarded = target.port(port.path("targetPort"));
        assertThat(forwarded)
            .as(
                "targetPort %s of %s among the ports of %s",
                port.path("targetPort"), service, target)
            .isPresent();
        assertThat(target.ports()).as("ports of " + target).containsValue(forwarded.get());
        assertThat(port.path("port").asInt())
            .as("port %s of %s: the port Cohort's URLs name", port.path("name").asText(), service)
            .isEqualTo(forwarded.get());
      }
    }
  }

  /**
   * Tests that the coordinator's probes ask the open health route, on its HTTP port, with the
   * scheme it serves.
   */
  @Test
  void probesAskTheHealthRoute() {
    Container coordinator = MANIFESTS.pod("coordinator").main();
    Config config = settings(coordinator);
    boolean https = !config.getString("cohort.coordinator.tls-cert").isBlank();
    int httpPort = coordinatorSettings(coordinator).httpPort();
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      assertThat(coordinator.node.has(probe)).as(probe + " of " + coordinator).isTrue();
    }
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      if (!coordinator.node.has(probe)) {
        continue;
      }
      JsonNode get = coordinator.node.path(probe).path("httpGet");
      assertThat(get.path("path").asText()).as(probe + " path").isEqualTo(ApiAccess.HEALTH);
      assertThat(coordinator.port(get.path("port"))).as(probe + " port").contains(httpPort);
      assertThat(get.path("scheme").asText("HTTP"))
          .as(probe + " scheme, with cohort.coordinator.tls-cert " + (https ? "set" : "empty"))
          .isEqualTo(https ? "HTTPS" : "HTTP");
    }
  }

  /**
   * Tests that the coordinator, bound beyond loopback, serves HTTPS and TLS between members, as it
   * must to start, and that every member has TLS on and valid settings.
   */
  @Test
  void membersStartWithTheirSettings() {
    Container coordinator = MANIFESTS.pod("coordinator").main();
    Config config = settings(coordinator);
    assertThat(config.getBoolean("cohort.coordinator.insecure")).as("insecure").isFalse();
    assertThatCode(
            () ->
                Exposure.check(
                    config.getString("cohort.host"),
                    !config.getString("cohort.coordinator.tls-cert").isBlank()
                        && !config.getString("cohort.coordinator.tls-key").isBlank(),
                    ClusterTls.enabled(config),
                    false))
        .as("the coordinator's exposure rule")
        .doesNotThrowAnyException();
    coordinatorSettings(coordinator);
    Container node = MANIFESTS.pod("node").main();
    nodeSettings(node);
    for (Container member : List.of(coordinator, node)) {
      assertThat(ClusterTls.enabled(settings(member))).as("cluster TLS of " + member).isTrue();
    }
  }

  /**
   * Tests that the files the settings name are where the pods mount them: the token and CA from the
   * secrets README.md makes, each member's certificate from its init container, the data folder on
   * the persistent volume.
   */
  @Test
  void filesAreWhereTheSettingsPointAt() {
    Map<String, Set<String>> secrets = readmeSecrets();
    for (Pod pod : MANIFESTS.pods()) {
      for (Container container : all(pod)) {
        for (String volume : container.mountNames()) {
          assertThat(pod.volume(volume)).as("volume " + volume + " of " + container).isPresent();
        }
        if (container.node.path("securityContext").path("readOnlyRootFilesystem").asBoolean()) {
          assertThat(container.mountOf("/tmp"))
              .as(
                  "/tmp of %s, whose root file system is read-only: the JVM writes there",
                  container)
              .isPresent();
        }
      }
      for (JsonNode volume : pod.spec.path("volumes")) {
        JsonNode secret = volume.path("secret");
        if (secret.isMissingNode()) {
          continue;
        }
        String name = secret.path("secretName").asText();
        assertThat(secrets).as("secrets deploy/kubernetes/README.md makes").containsKey(name);
        for (JsonNode item : secret.path("items")) {
          assertThat(secrets.get(name))
              .as("keys of the secret %s that README.md makes", name)
              .contains(item.path("key").asText());
        }
      }
      Container main = pod.main();
      for (String ref : main.secretRefs) {
        String[] parts = ref.split("/", 2);
        assertThat(secrets.getOrDefault(parts[0], Set.of())).as("secret " + ref).contains(parts[1]);
      }
    }

    Container coordinator = MANIFESTS.pod("coordinator").main();
    Config config = settings(coordinator);
    String tokenFile = config.getString("cohort.coordinator.token-file");
    if (!tokenFile.isBlank()) {
      assertThat(secretItem(coordinator, tokenFile))
          .as("cohort.coordinator.token-file " + tokenFile)
          .isPresent();
    } else {
      assertThat(config.getString("cohort.coordinator.token"))
          .as("the token: COHORT_TOKEN_FILE or COHORT_TOKEN from a secret")
          .startsWith("{secret ");
    }
    String tlsDir = config.getString("cohort.cluster-tls.dir");
    assertThat(config.getString("cohort.coordinator.tls-cert"))
        .as("the HTTPS certificate: the member's own")
        .isEqualTo(tlsDir + "/" + ClusterCa.MEMBER_CERT);
    assertThat(config.getString("cohort.coordinator.tls-key"))
        .isEqualTo(tlsDir + "/" + ClusterCa.MEMBER_KEY);

    String dataDir = config.getString("cohort.coordinator.data-dir");
    Mount data =
        coordinator
            .mountOf(dataDir)
            .orElseThrow(() -> new AssertionError("no volume holds the data folder " + dataDir));
    assertThat(coordinator.pod.claimTemplate(data.volume()))
        .as("the data folder %s on a volume claim template (it outlives the pod)", dataDir)
        .isTrue();

    for (Pod pod : MANIFESTS.pods()) {
      Container member = pod.main();
      String dir = settings(member).getString("cohort.cluster-tls.dir");
      assertThat(dir).as("cohort.cluster-tls.dir of " + member).isNotBlank();
      Issue issue = issue(pod);
      Mount written = issue.container().mountOf(issue.out()).orElseThrow();
      Mount read =
          member.mountOf(dir).orElseThrow(() -> new AssertionError("no volume holds " + dir));
      assertThat(read.volume() + "/" + read.relative())
          .as(
              "the folder %s reads its certificate from, against the one %s writes",
              member, issue.container())
          .isEqualTo(written.volume() + "/" + written.relative());
      assertThat(pod.volume(read.volume()).orElseThrow().has("emptyDir"))
          .as("%s's certificate folder is the pod's own", member)
          .isTrue();
      assertThat(secretItem(issue.container(), issue.ca() + "/" + ClusterCa.CA_CERT)).isPresent();
      assertThat(secretItem(issue.container(), issue.ca() + "/" + ClusterCa.CA_KEY)).isPresent();
    }
  }

  /**
   * Tests that each member's certificate names the host the others reach it at (the advertised
   * one), and the coordinator's also names the API Service.
   */
  @Test
  void certificatesNameWhereMembersAreReached() {
    for (Pod pod : MANIFESTS.pods()) {
      Container member = pod.main();
      assertThat(issue(pod).hosts())
          .as("hosts of the certificate %s issues", issue(pod).container())
          .contains(advertised(member));
    }
    Pod coordinator = MANIFESTS.pod("coordinator");
    for (KubeObject service : MANIFESTS.all("Service")) {
      if (service.spec().path("clusterIP").asText().equals("None")) {
        continue;
      }
      String name = service.name();
      assertThat(issue(coordinator).hosts())
          .as("hosts of the coordinator's certificate, which serves " + service)
          .contains(name, name + "." + Manifests.NAMESPACE + ".svc");
    }
  }

  /**
   * Tests that nodes join the coordinator at the stable DNS name its StatefulSet and headless
   * Service give its first pod, which is also the name it advertises, on its cluster port.
   */
  @Test
  void nodesJoinTheCoordinatorsStableName() {
    Pod coordinator = MANIFESTS.pod("coordinator");
    String stableName =
        coordinator.owner.name()
            + "-0."
            + coordinator.owner.spec().path("serviceName").asText()
            + "."
            + Manifests.NAMESPACE
            + ".svc.cluster.local";
    int clusterPort = coordinatorSettings(coordinator.main()).clusterPort();
    assertThat(advertised(coordinator.main()))
        .as("the coordinator's advertised host")
        .isEqualTo(stableName);
    assertThat(nodeSettings(MANIFESTS.pod("node").main()).join())
        .as("cohort.node.join of the nodes")
        .containsExactly(new HostPort(stableName, clusterPort));
  }

  /** Tests that a stopped node has time to drain and leave before Kubernetes kills it. */
  @Test
  void nodesHaveTimeToDrain() {
    Pod node = MANIFESTS.pod("node");
    Duration drain = nodeSettings(node.main()).drainTimeout();
    long grace = node.spec.path("terminationGracePeriodSeconds").asLong(30);
    assertThat(Duration.ofSeconds(grace))
        .as(
            "terminationGracePeriodSeconds against cohort.node.drain-timeout %s plus %s to leave",
            drain, LEAVING)
        .isGreaterThanOrEqualTo(drain.plus(LEAVING));
  }

  /**
   * Tests that the image exposes the coordinator's default ports, starts bin/cohort with the files
   * it reads where it looks for them, and runs as the user the pods run as, with the data folder on
   * its volume.
   */
  @Test
  void theImageAgrees() {
    CoordinatorSettings defaults =
        CoordinatorSettings.fromConfig(CONF.settings("coordinator", Map.of()));
    assertThat(DOCKERFILE.exposed())
        .as("EXPOSE: the coordinator's default cluster and HTTP ports")
        .containsExactlyInAnyOrder(defaults.clusterPort(), defaults.httpPort());

    List<String> entrypoint = DOCKERFILE.entrypoint();
    assertThat(entrypoint).as("ENTRYPOINT, exec form").hasSize(1);
    String launcher = entrypoint.get(0);
    assertThat(launcher).as("ENTRYPOINT").endsWith("/bin/cohort");
    String home = launcher.substring(0, launcher.length() - "/bin/cohort".length());
    String script = CONF.read("bin/cohort");
    for (String file :
        List.of(
            "bin/cohort",
            "cli/target/cohort.jar",
            "cli/src/main/sh/snapshot.sh",
            "conf/logback.xml")) {
      if (!file.equals("bin/cohort")) {
        assertThat(script).as("bin/cohort reads $root/" + file).contains("$root/" + file);
      }
      assertThat(DOCKERFILE.inImage(file))
          .as("where the image has " + file)
          .contains(home + "/" + file);
    }
    assertThat(DOCKERFILE.arguments("RUN"))
        .as("a RUN making the class-data archive bin/cohort looks for, with the image's JRE")
        .anyMatch(run -> run.contains("class-archive.sh"));

    String user =
        DOCKERFILE.user().orElseThrow(() -> new AssertionError("the Dockerfile has no USER"));
    Matcher ids = Pattern.compile("(\\d+):(\\d+)").matcher(user);
    assertThat(ids.matches())
        .as("USER %s: numeric uid:gid, which runAsUser can name", user)
        .isTrue();
    long uid = Long.parseLong(ids.group(1));
    long gid = Long.parseLong(ids.group(2));
    assertThat(uid).as("the image's uid").isNotZero();
    for (Pod pod : MANIFESTS.pods()) {
      JsonNode security = pod.spec.path("securityContext");
      assertThat(security.path("runAsNonRoot").asBoolean()).as("runAsNonRoot of " + pod).isTrue();
      assertThat(security.path("runAsUser").asLong()).as("runAsUser of " + pod).isEqualTo(uid);
      assertThat(security.path("runAsGroup").asLong()).as("runAsGroup of " + pod).isEqualTo(gid);
      assertThat(security.path("fsGroup").asLong())
          .as("fsGroup of %s: lets the image's user read the secrets and write the volumes", pod)
          .isEqualTo(gid);
      for (Container container : all(pod)) {
        assertThat(container.image()).as("image of " + container).isEqualTo(pod.main().image());
      }
    }

    String imageDataDir = DOCKERFILE.env().get("COHORT_DATA_DIR");
    assertThat(DOCKERFILE.volumes())
        .as("VOLUME holding the image's COHORT_DATA_DIR " + imageDataDir)
        .anyMatch(v -> imageDataDir != null && imageDataDir.startsWith(v + "/"));
    Container coordinator = MANIFESTS.pod("coordinator").main();
    String dataDir = settings(coordinator).getString("cohort.coordinator.data-dir");
    assertThat(DOCKERFILE.volumes())
        .as("the image's VOLUME, where the coordinator's data volume is mounted")
        .contains(coordinator.mountOf(dataDir).orElseThrow().mountPath());
  }

  /** What an init container's {@code cohort ca issue} gives. */
  private record Issue(Container container, List<String> hosts, String out, String ca) {}

  /** The init container of {@code pod} that issues its certificate with cohort ca issue. */
  private static Issue issue(Pod pod) {
    List<Issue> issues = new ArrayList<>();
    for (Container init : pod.initContainers()) {
      List<String> args = init.args();
      if (args.size() < 2 || !args.get(0).equals("ca") || !args.get(1).equals("issue")) {
        continue;
      }
      List<String> hosts = new ArrayList<>();
      String out = null;
      String ca = null;
      for (int i = 2; i < args.size(); i++) {
        switch (args.get(i)) {
          case "--host" -> hosts.add(args.get(++i));
          case "--out" -> out = args.get(++i);
          default -> ca = args.get(i);
        }
      }
      assertThat(out).as("--out of " + init).isNotNull();
      assertThat(ca).as("the CA folder argument of " + init).isNotNull();
      issues.add(new Issue(init, hosts, out, ca));
    }
    assertThat(issues).as("init containers of %s running cohort ca issue", pod).hasSize(1);
    return issues.get(0);
  }

  /**
   * The item of a secret volume that holds {@code path} in {@code container}, as VOLUME/KEY; empty
   * when no secret mount holds it.
   */
  private static Optional<String> secretItem(Container container, String path) {
    Optional<Mount> mount = container.mountOf(path);
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    JsonNode secret = container.pod.volume(mount.get().volume()).orElseThrow().path("secret");
    if (secret.isMissingNode()) {
      return Optional.empty();
    }
    if (!secret.has("items")) {
      return Optional.of(secret.path("secretName").asText() + "/" + mount.get().relative());
    }
    for (JsonNode item : secret.path("items")) {
      if (item.path("path").asText().equals(mount.get().relative())) {
        return Optional.of(secret.path("secretName").asText() + "/" + item.path("key").asText());
      }
    }
    return Optional.empty();
  }

  /**
   * The secrets deploy/kubernetes/README.md tells to make, with their keys: from {@code kubectl
   * create secret generic NAME --from-file=KEY=PATH} (or {@code --from-file=PATH}, keyed by its
   * file name, or {@code --from-literal=KEY=VALUE}).
   */
  private static Map<String, Set<String>> readmeSecrets() {
    String text = CONF.read("deploy/kubernetes/README.md").replace("\\\n", " ");
    Matcher command = Pattern.compile("create secret generic ([a-z0-9.-]+)([^\\n]*)").matcher(text);
    Map<String, Set<String>> secrets = new TreeMap<>();
    while (command.find()) {
      Set<String> keys = new TreeSet<>();
      Matcher source = Pattern.compile("--from-(file|literal)=(\\S+)").matcher(command.group(2));
      while (source.find()) {
        String value = source.group(2);
        int eq = value.indexOf('=');
        keys.add(eq >= 0 ? value.substring(0, eq) : value.substring(value.lastIndexOf('/') + 1));
      }
      secrets.put(command.group(1), keys);
    }
    return secrets;
  }

  private static List<Container> all(Pod pod) {
    List<Container> all = new ArrayList<>(pod.initContainers());
    all.addAll(pod.containers());
    return all;
  }

  private static Config settings(Container container) {
    return CONF.settings(container.subcommand(), container.env);
  }

  private static CoordinatorSettings coordinatorSettings(Container container) {
    return CoordinatorSettings.fromConfig(settings(container));
  }

  private static NodeSettings nodeSettings(Container container) {
    return NodeSettings.fromConfig(settings(container));
  }

  /**
   * The host the other members reach {@code member} at: what COHORT_ADVERTISE sets, or else its
   * bind address (cohort.host).
   */
  private static String advertised(Container member) {
    Config config = settings(member);
    String host = config.getString("cohort.host");
    if (member.env.containsKey(ADVERTISE)) {
      List<String> paths = CONF.settingsOf(member.subcommand(), ADVERTISE);
      if (paths.isEmpty()) {
        fail(
            member
                + " sets "
                + ADVERTISE
                + ", which no conf/*.conf reads yet: it comes with the --advertise change"
                + " (cohort.advertise); merge it before this test");
      }
      String advertised = config.getString(paths.get(0));
      return advertised.isBlank() ? host : advertised;
    }
    assertThat(Set.of("0.0.0.0", "::", "[::]"))
        .as("the host %s is reached at: bound to every interface, it must advertise one", member)
        .doesNotContain(host);
    return host;
  }
}
