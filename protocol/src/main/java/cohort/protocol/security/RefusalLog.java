package cohort.protocol.security;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one line why a cluster peer was refused: no certificate, an expired one, one from another
 * CA, one for another host. A peer that keeps trying (Pekko reconnects with a backoff) repeats the
 * same line at most once a minute.
 */
final class RefusalLog {

  private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

  /** The least time between two same lines. */
  static final Duration REPEAT = Duration.ofMinutes(1);

  private final X509Certificate ca;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

  /**
   * @param ca the cluster's CA, which a refused certificate is compared with
   */
  RefusalLog(X509Certificate ca) {
    this.ca = ca;
  }

  /** This member refused a peer that connected to it. */
  void refusedPeer(X509Certificate[] chain, String why) {
    once("refused a cluster connection from " + subject(chain) + ": " + why);
  }

  /** This member refused the peer it connected to at {@code where}. */
  void refusedServer(String where, X509Certificate[] chain, String why) {
    once("refused to connect to cluster member " + where + " (" + subject(chain) + "): " + why);
  }

  /** Why {@code chain} was refused, in plain words. */
  String why(X509Certificate[] chain, CertificateException failure) {
    if (chain == null || chain.length == 0) {
      return "it presented no certificate; every member needs one from the cluster's CA";
    }
    X509Certificate own = chain[0];
    Date now = new Date();
    if (own.getNotAfter().before(now)) {
      return "its certificate expired on "
          + own.getNotAfter().toInstant()
          + "; issue it a new one with cohort ca issue";
    }
    if (own.getNotBefore().after(now)) {
      return "its certificate is valid only from "
          + own.getNotBefore().toInstant()
          + " (is a clock wrong?)";
    }
    if (!signedByCa(chain[chain.length - 1])) {
      return "its certificate is signed by '"
          + chain[chain.length - 1].getIssuerX500Principal().getName()
          + "', not by this cluster's CA '"
          + ca.getSubjectX500Principal().getName()
          + "'; give it a certificate from this cluster's CA (cohort ca issue)";
    }
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    if (message.contains("subject alternative") || message.contains("No name matching")) {
      return "its certificate is not for the host it was reached at ("
          + message
          + "); issue one with cohort ca issue --host HOST";
    }
    return "its certificate was not accepted (" + message + ")";
  }

  private boolean signedByCa(X509Certificate certificate) {
    try {
      certificate.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String subject(X509Certificate[] chain) {
    return chain == null || chain.length == 0
        ? "a peer"
        : "'" + chain[0].getSubjectX500Principal().getName() + "'";
  }

  private void once(String line) {
    long now = System.nanoTime();
    Long last = lastLogged.get(line);
    if (last != null && now - last < REPEAT.toNanos()) {
      return;
    }
    lastLogged.put(line, now);
    LOG.warn(line);
  }
}
