package cohort.protocol.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes the PEM files of the cluster's certificates: {@code ca.crt}, {@code tls.crt} and
 * {@code tls.key}, the names of a Kubernetes TLS secret. Keys are written unencrypted as PKCS#8 and
 * readable by their owner only; PKCS#1 and SEC1 keys are read too.
 */
public final class Pem {

  private Pem() {}

  /**
   * The certificates in a PEM file, in order.
   *
   * @throws IllegalArgumentException naming the file, when it is missing or holds none
   */
  public static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(
            file + " holds no certificate; give a PEM file with -----BEGIN CERTIFICATE-----");
      }
      return certificates;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the certificate file " + file + " does not exist", e);
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(
          "cannot read the certificate file " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The private key in a PEM file.
   *
   * @throws IllegalArgumentException naming the file, when it is missing, encrypted or holds no key
   */
  public static PrivateKey privateKey(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (item instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      }
      throw new IllegalArgumentException(
          file
              + " holds no unencrypted private key; give a PEM key (-----BEGIN PRIVATE KEY-----),"
              + " such as cohort ca issue writes");
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the key file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the key file " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** Writes objects (certificates, keys) as PEM, atomically; keys readable by their owner only. */
  static void write(Path file, boolean secret, Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        if (object instanceof PrivateKey key) {
          // PKCS#8 (BEGIN PRIVATE KEY), which every reader takes, not the PKCS#1 BC writes
          writer.writeObject(new JcaPKCS8Generator(key, null));
        } else {
          writer.writeObject(object);
        }
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.setPosixFilePermissions(
          temp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // no POSIX modes here: the folder's own access rules apply
    }
    Files.writeString(temp, text.toString(), StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
