package cohort.protocol.security;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A member's TLS material, read from a folder ({@code tls.key}, {@code tls.crt}, {@code ca.crt}):
 * the key and certificate it presents, and the CA whose members it accepts. Checked when read, so a
 * member with an expired certificate, or one for another host, says so at start rather than being
 * refused by every peer.
 *
 * @param dir where it was read from
 * @param key the member's private key
 * @param chain the member's certificate, then any intermediate ones
 * @param trusted the CA certificates whose members this member accepts
 */
public record MemberTls(
    Path dir, PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted) {

  private static final char[] IN_MEMORY = "cohort".toCharArray();

  /**
   * Reads and checks the material in {@code dir}.
   *
   * @param host the host the member is reached at, which its certificate must name
   * @throws IllegalArgumentException saying what is wrong and how to mend it
   */
  public static MemberTls load(Path dir, String host) {
    PrivateKey key = Pem.privateKey(dir.resolve(ClusterCa.MEMBER_KEY));
    List<X509Certificate> chain = Pem.certificates(dir.resolve(ClusterCa.MEMBER_CERT));
    List<X509Certificate> trusted = Pem.certificates(dir.resolve(ClusterCa.CA_CERT));
    X509Certificate own = chain.get(0);
    Path certFile = dir.resolve(ClusterCa.MEMBER_CERT);
    if (own.getNotAfter().before(Date.from(Instant.now()))) {
      throw new IllegalArgumentException(
          "the certificate "
              + certFile
              + " expired on "
              + own.getNotAfter().toInstant()
              + "; issue a new one with: cohort ca issue --host "
              + host
              + " CA-DIR");
    }
    if (!covers(own, host)) {
      throw new IllegalArgumentException(
          "the certificate "
              + certFile
              + " is for "
              + String.join(", ", names(own))
              + ", not for "
              + host
              + ", the host other members reach this one at (its --advertise, or else its --host);"
              + " issue one with: cohort ca issue --host "
              + host
              + " CA-DIR");
    }
    if (trusted.stream().noneMatch(ca -> signedBy(chain.get(chain.size() - 1), ca))) {
      throw new IllegalArgumentException(
          "the certificate "
              + certFile
              + " is not signed by the CA in "
              + dir.resolve(ClusterCa.CA_CERT)
              + "; put the certificate of the CA that issued it there");
    }
    return new MemberTls(dir, key, chain, trusted);
  }

  /** Whether {@code certificate} names {@code host} (a DNS name or an IP address). */
  static boolean covers(X509Certificate certificate, String host) {
    return names(certificate).stream().anyMatch(name -> name.equalsIgnoreCase(host));
  }

  /** The DNS names and IP addresses a certificate is for. */
  static List<String> names(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> name : alternatives) {
          int type = (Integer) name.get(0);
          if (type == 2 || type == 7) { // dNSName, iPAddress
            names.add(name.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no names it can be checked against
    }
    return names;
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate ca) {
    try {
      certificate.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The trust manager that accepts the members of this member's CA: the JDK's PKIX checks. */
  X509TrustManager trustManager() throws GeneralSecurityException {
    KeyStore anchors = emptyStore();
    for (int i = 0; i < trusted.size(); i++) {
      anchors.setCertificateEntry("ca-" + i, trusted.get(i));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("this JVM has no X.509 trust manager");
  }

  /**
   * An SSL context that presents this member's certificate and accepts peers through {@code trust}.
   */
  SSLContext context(TrustManager trust) throws GeneralSecurityException {
    KeyStore keys = emptyStore();
    keys.setKeyEntry("member", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, IN_MEMORY);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), new TrustManager[] {trust}, null);
    return context;
  }

  /**
   * An SSL context for HTTPS clients on a member (a node fetching files from the coordinator): it
   * accepts servers signed by this member's CA or by a CA the JDK trusts.
   */
  public SSLContext clientContext() {
    try {
      return cohort.api.security.TrustedCas.withJdkCas(trusted);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up HTTPS trust: " + e.getMessage(), e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      return store;
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
