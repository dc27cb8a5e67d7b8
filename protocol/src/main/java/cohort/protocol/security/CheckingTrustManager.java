package cohort.protocol.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's checks of a peer's certificate chain against the cluster's CA (and, on the connecting
 * side, of the host name), with each refusal logged in one line by {@link RefusalLog}.
 */
final class CheckingTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager delegate;
  private final RefusalLog refusals;

  CheckingTrustManager(X509TrustManager delegate, RefusalLog refusals) {
    if (!(delegate instanceof X509ExtendedTrustManager extended)) {
      throw new IllegalArgumentException("the JDK's trust manager cannot check host names");
    }
    this.delegate = extended;
    this.refusals = refusals;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      refusals.refusedPeer(chain, refusals.why(chain, e));
      throw e;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      String where = engine == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort();
      refusals.refusedServer(where, chain, refusals.why(chain, e));
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
