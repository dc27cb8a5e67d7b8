package cohort.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The TLS context of a client's HTTP connections: none at all for plain HTTP ({@link
 * PlainHttpOnly}, which costs nothing at start), and for HTTPS the CAs the JDK trusts plus the one
 * the user names (such as the cluster's {@code ca.crt} when the coordinator's certificate came from
 * {@code cohort ca issue}).
 */
final class HttpsTrust {

  private HttpsTrust() {}

  /**
   * The JDK HTTP client of a Cohort client of {@code urls}: HTTP/1.1, with the TLS context they
   * need.
   */
  static java.net.http.HttpClient client(
      List<URI> urls, Optional<Path> ca, java.time.Duration connectTimeout) {
    java.net.http.HttpClient.Builder builder =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout);
    if (needed(urls)) {
      builder.sslContext(context(ca));
    } else {
      builder.sslContext(PlainHttpOnly.CONTEXT).sslParameters(PlainHttpOnly.parameters());
    }
    return builder.build();
  }

  /** Whether any of {@code urls} is HTTPS. */
  static boolean needed(List<URI> urls) {
    return urls.stream().anyMatch(url -> "https".equals(url.getScheme()));
  }

  /**
   * A context that trusts the JDK's CAs and the certificates in {@code ca}.
   *
   * @throws IllegalArgumentException when {@code ca} cannot be read
   */
  static SSLContext context(Optional<Path> ca) {
    try {
      if (ca.isEmpty()) {
        return SSLContext.getDefault();
      }
      return cohort.api.security.TrustedCas.withJdkCas(read(ca.get()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "cannot set up HTTPS with the CA "
              + ca.map(Path::toString).orElse("of the JDK")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static java.util.Collection<? extends Certificate> read(Path pem)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      java.util.Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(pem + " holds no PEM certificate");
      }
      return certificates;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("the CA file " + pem + " does not exist", e);
    }
  }
}
