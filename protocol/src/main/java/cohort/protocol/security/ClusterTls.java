package cohort.protocol.security;

import cohort.protocol.cluster.MemberHost;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a member's cluster transport from {@code cohort.cluster-tls}: Artery over TLS ({@code
 * tls-tcp}) with {@link CohortSslEngineProvider}, presenting the certificate in {@code dir}, or one
 * this member issues itself from the CA in {@code ca-dir} (by default {@code ~/.cohort/ca}, made
 * when missing). With {@code enabled = off}, plain TCP.
 */
public final class ClusterTls {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterTls.class);

  static final String ENABLED = "cohort.cluster-tls.enabled";
  static final String DIR = "cohort.cluster-tls.dir";
  static final String CA_DIR = "cohort.cluster-tls.ca-dir";

  /** Where the member's material is, once resolved: read by {@link CohortSslEngineProvider}. */
  static final String MEMBER_DIR = "cohort.cluster-tls.member-dir";

  private ClusterTls() {}

  /** Whether the cluster port speaks TLS. */
  public static boolean enabled(Config config) {
    return !config.hasPath(ENABLED) || config.getBoolean(ENABLED);
  }

  /** The CA folder a member without a certificate of its own uses: {@code ~/.cohort/ca}. */
  public static Path defaultCaDir() {
    return Path.of(System.getProperty("user.home"), ".cohort", "ca");
  }

  /**
   * The configuration of a member at {@code host}, with its transport set up: its certificate read
   * and checked to name the advertised host, which peers check, or issued for it (and for the bound
   * interface when that is one address).
   *
   * @throws IllegalArgumentException when the member's certificate cannot be used, saying why
   */
  public static Config configure(Config config, MemberHost host) {
    if (!enabled(config)) {
      LOG.warn(
          "cohort.cluster-tls is off: cluster messages travel in the clear and any process that"
              + " reaches the cluster port can join");
      return config;
    }
    Path dir = memberDir(config, host);
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.remote.artery.transport",
                "tls-tcp",
                "pekko.remote.artery.ssl.ssl-engine-provider",
                CohortSslEngineProvider.class.getName(),
                MEMBER_DIR,
                dir.toAbsolutePath().toString(),
                ACTOR_THREADS,
                Math.max(TLS_ACTOR_THREADS, config.getInt(ACTOR_THREADS))))
        .withFallback(config);
  }

  /** The least threads of the pool that runs the actors, the transport and its TLS. */
  static final String ACTOR_THREADS =
      "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min";

  /**
   * Pekko runs each connection's TLS as an actor on the actors' pool, which Cohort otherwise sizes
   * to one thread per two cores (conf/cohort.conf): with one thread the TLS work waited behind the
   * coordinator's, and tiny tasks (case 2) ran 20-30% slower than in the clear. Two threads made up
   * all of it (docs/performance.md).
   */
  static final int TLS_ACTOR_THREADS = 2;

  private static Path memberDir(Config config, MemberHost host) {
    String given = config.hasPath(DIR) ? config.getString(DIR).trim() : "";
    if (!given.isEmpty()) {
      Path dir = Path.of(given);
      MemberTls.load(dir, host.advertised());
      return dir;
    }
    String caDir = config.hasPath(CA_DIR) ? config.getString(CA_DIR).trim() : "";
    Path ca = caDir.isEmpty() ? defaultCaDir() : Path.of(caDir);
    return ClusterCa.openOrCreate(ca).memberFor(host.certificateHosts());
  }

  /**
   * What a member's HTTPS clients trust, for a configuration {@link #configure} set up: its
   * cluster's CA and the JDK's; empty when the transport is plain.
   */
  public static Optional<SSLContext> httpsTrust(Config configured, String host) {
    if (!configured.hasPath(MEMBER_DIR)) {
      return Optional.empty();
    }
    return Optional.of(
        MemberTls.load(Path.of(configured.getString(MEMBER_DIR)), host).clientContext());
  }
}
