package cohort.coordinator.security;

import cohort.protocol.security.Pem;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * HTTPS for the coordinator's API: a certificate and key in PEM ({@code
 * cohort.coordinator.tls-cert} and {@code tls-key}, from {@code --tls-cert} and {@code --tls-key}),
 * such as {@code cohort ca issue} writes or any CA gives.
 */
public final class Https {

  static final String CERT = "cohort.coordinator.tls-cert";
  static final String KEY = "cohort.coordinator.tls-key";

  private static final char[] IN_MEMORY = "cohort".toCharArray();

  private Https() {}

  /**
   * The HTTPS context the settings ask for, or empty for plain HTTP.
   *
   * @throws IllegalArgumentException when only one of the two files is given, or one cannot be read
   */
  public static Optional<HttpsConnectionContext> fromConfig(Config config) {
    String cert = config.hasPath(CERT) ? config.getString(CERT).trim() : "";
    String key = config.hasPath(KEY) ? config.getString(KEY).trim() : "";
    if (cert.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException(
          "HTTPS needs both --tls-cert and --tls-key (PEM files); "
              + (cert.isEmpty() ? "--tls-cert" : "--tls-key")
              + " is missing");
    }
    return Optional.of(ConnectionContext.httpsServer(context(Path.of(cert), Path.of(key))));
  }

  /** An SSL context presenting the certificate in {@code cert} with the key in {@code key}. */
  static SSLContext context(Path cert, Path key) {
    List<X509Certificate> chain = Pem.certificates(cert);
    PrivateKey privateKey = Pem.privateKey(key);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("https", privateKey, IN_MEMORY, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, IN_MEMORY);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException(
          "cannot use "
              + cert
              + " with "
              + key
              + " for HTTPS ("
              + e.getMessage()
              + "); is the key the certificate's own?",
          e);
    }
  }
}
