package cohort.protocol.security;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import scala.Option;

/**
 * The TLS of Cohort's cluster transport (Artery {@code tls-tcp}): TLS 1.3, each side presenting its
 * member certificate and accepting only certificates signed by the cluster's CA, and a connecting
 * member checking the other is the host it meant to reach. A refused peer is logged on the refusing
 * side in one line that says why ({@link RefusalLog}); Pekko itself logs a refusal only on the
 * connecting side.
 *
 * <p>The accepting side asks for a client certificate without requiring it in the handshake, so a
 * peer with none is refused after it, with a line that says so, rather than by the JDK in silence;
 * a peer that does not speak TLS is named by {@link NotTlsWatch}.
 */
public final class CohortSslEngineProvider implements SSLEngineProvider {

  static final String PROTOCOL = "TLSv1.3";
  private static final String[] CIPHERS = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};

  private final SSLContext context;
  private final RefusalLog refusals;

  /**
   * Pekko makes one per actor system: Cohort's settings say where the member's material is, and its
   * certificate must name the host the member is known by (Artery's canonical host name).
   */
  public CohortSslEngineProvider(ActorSystem system) {
    var config = system.settings().config();
    MemberTls member =
        MemberTls.load(
            Path.of(config.getString(ClusterTls.MEMBER_DIR)),
            config.getString("pekko.remote.artery.canonical.hostname"));
    this.refusals = new RefusalLog(member.trusted().get(0));
    try {
      this.context = member.context(new CheckingTrustManager(member.trustManager(), refusals));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the cluster's TLS: " + e.getMessage(), e);
    }
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    SSLEngine engine = context.createSSLEngine(hostname, port);
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(new String[] {PROTOCOL});
    engine.setEnabledCipherSuites(CIPHERS);
    engine.setWantClientAuth(true);
    return new NotTlsWatch(engine, refusals);
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    SSLEngine engine = context.createSSLEngine(hostname, port);
    SSLParameters parameters = context.getDefaultSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setProtocols(new String[] {PROTOCOL});
    parameters.setCipherSuites(CIPHERS);
    engine.setSSLParameters(parameters);
    engine.setUseClientMode(true);
    return engine;
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return Option.empty(); // the trust manager checked the server's chain and name
  }

  /** The accepting side: a peer that presented no certificate is refused here. */
  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate) {
        return Option.empty();
      }
    } catch (SSLPeerUnverifiedException e) {
      // none presented
    }
    String why = "it presented no certificate; every member needs one from the cluster's CA";
    refusals.refusedPeer(null, why);
    return Option.apply(new SecurityException("refused a cluster connection: " + why));
  }
}
