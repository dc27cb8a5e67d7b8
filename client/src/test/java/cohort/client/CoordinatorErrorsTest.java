package cohort.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.net.URI;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class CoordinatorErrorsTest {

  private final CoordinatorErrors errors =
      new CoordinatorErrors(
          new Coordinators(List.of(URI.create("https://10.0.0.5:8470"))),
          new ObjectMapper(),
          Credentials.none());

  /** Tests that a certificate the client does not trust points at --tls-ca. */
  @Test
  void anUntrustedCertificateAsksForTheCa() {
    SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed");
    e.initCause(new CertificateException(new CertPathValidatorException("no trust anchor")));
    assertThat(errors.unreachable(e).getMessage())
        .contains("is its certificate from a CA this client trusts")
        .contains("--tls-ca");
  }

  /**
   * Tests that a handshake the coordinator broke off (as when it is starting or stopping) says so,
   * without blaming the certificate.
   */
  @Test
  void aBrokenOffHandshakeSaysTryAgain() {
    SSLHandshakeException e = new SSLHandshakeException("Remote host terminated the handshake");
    e.initCause(new EOFException("SSL peer shut down incorrectly"));
    assertThat(errors.unreachable(e).getMessage())
        .contains("broke off the HTTPS handshake")
        .contains("starting or stopping")
        .doesNotContain("--tls-ca");
  }

  /**
   * Tests that a connection closed before any answer says so in plain words, not in the HTTP
   * client's, and still counts as the coordinator away (a reconnecting reader waits for it).
   */
  @Test
  void aConnectionClosedWithoutAnswerSaysTryAgain() {
    CohortException said =
        errors.unreachable(new java.io.IOException("HTTP/1.1 header parser received no bytes"));
    assertThat(said.getMessage())
        .isEqualTo(
            "the coordinator at https://10.0.0.5:8470 closed the connection without answering: it"
                + " may be starting or stopping; try again in a moment");
    assertThat(said.unreachable()).isTrue();
  }
}
