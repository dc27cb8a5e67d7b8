package cohort.api.security;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of an HTTPS client that trusts the CAs the JDK trusts and some more: the
 * cluster's CA on a node, the CA a user names on a client.
 */
public final class TrustedCas {

  private TrustedCas() {}

  /**
   * A client context trusting the JDK's CAs and {@code more}.
   *
   * @throws GeneralSecurityException when the JDK cannot build one
   */
  public static SSLContext withJdkCas(Collection<? extends Certificate> more)
      throws GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    try {
      anchors.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    TrustManagerFactory jdk =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    for (TrustManager manager : jdk.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        for (X509Certificate trusted : x509.getAcceptedIssuers()) {
          anchors.setCertificateEntry("jdk-" + anchors.size(), trusted);
        }
      }
    }
    for (Certificate certificate : more) {
      anchors.setCertificateEntry("given-" + anchors.size(), certificate);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
