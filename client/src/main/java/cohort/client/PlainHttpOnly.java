package cohort.client;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of the client's {@link java.net.http.HttpClient}, which wants one even for plain
 * HTTP: the coordinator speaks plain HTTP, and {@link CohortClient#connect} refuses other URLs. The
 * JDK's default context reads and parses every certificate the system trusts when the client is
 * built, a tenth of a second of CPU in every {@code cohort status}; this one trusts nothing, so it
 * reads nothing.
 */
final class PlainHttpOnly implements X509TrustManager {

  static final SSLContext CONTEXT = context();

  private PlainHttpOnly() {}

  private static SSLContext context() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[] {new PlainHttpOnly()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no TLS context: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw refused();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw refused();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private static CertificateException refused() {
    return new CertificateException("Cohort's client speaks plain HTTP only");
  }
}
