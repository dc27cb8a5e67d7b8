package cohort.protocol.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority: a key ({@code ca.key}) and a self-signed certificate ({@code
 * ca.crt}) in a folder, which signs every member's certificate. Members trust exactly the members
 * it signed. {@code cohort ca init DIR} makes one; {@code cohort ca issue --host H DIR} gives a
 * member its key and certificate as PEM ({@code tls.key}, {@code tls.crt}, with {@code ca.crt}),
 * the layout of a Kubernetes TLS secret and of Pekko's {@code RotatingKeysSSLEngineProvider}.
 */
public final class ClusterCa {

  /** The CA's certificate, and the trust anchor a member folder holds. */
  public static final String CA_CERT = "ca.crt";

  /** The CA's private key. */
  public static final String CA_KEY = "ca.key";

  /** A member's certificate. */
  public static final String MEMBER_CERT = "tls.crt";

  /** A member's private key. */
  public static final String MEMBER_KEY = "tls.key";

  /** How long a CA is valid. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** How long a member's certificate is valid unless told otherwise. */
  public static final Duration MEMBER_VALIDITY = Duration.ofDays(365);

  private static final String SIGNATURE = "SHA256withRSA";
  private static final int KEY_BITS = 2048;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

  private final Path dir;
  private final PrivateKey key;
  private final X509Certificate certificate;

  private ClusterCa(Path dir, PrivateKey key, X509Certificate certificate) {
    this.dir = dir;
    this.key = key;
    this.certificate = certificate;
  }

  /** The folder the CA is kept in. */
  public Path dir() {
    return dir;
  }

  /** The CA's certificate, which members trust. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Makes a new CA in {@code dir}.
   *
   * @param name names the cluster in the CA's subject
   * @throws IllegalArgumentException when {@code dir} already holds a CA
   */
  public static ClusterCa init(Path dir, String name) {
    if (Files.exists(dir.resolve(CA_KEY)) || Files.exists(dir.resolve(CA_CERT))) {
      throw new IllegalArgumentException(
          dir
              + " already holds a CA ("
              + CA_CERT
              + ", "
              + CA_KEY
              + "); give another folder, or remove those files to start over (every member's"
              + " certificate must then be issued again)");
    }
    return create(dir, name);
  }

  /**
   * The CA in {@code dir}, made there when the folder holds none: the throw-away CA of {@code
   * cohort local}, and the CA of one user's cluster on one machine.
   */
  public static ClusterCa openOrCreate(Path dir) {
    return locked(
        dir, () -> Files.exists(dir.resolve(CA_KEY)) ? open(dir) : create(dir, "Cohort cluster"));
  }

  /**
   * The CA in {@code dir}.
   *
   * @throws IllegalArgumentException when the folder holds no CA, saying how to make one
   */
  public static ClusterCa open(Path dir) {
    if (!Files.exists(dir.resolve(CA_KEY))) {
      throw new IllegalArgumentException(
          dir + " holds no CA (" + CA_KEY + "); make one with: cohort ca init " + dir);
    }
    return new ClusterCa(
        dir, Pem.privateKey(dir.resolve(CA_KEY)), Pem.certificates(dir.resolve(CA_CERT)).get(0));
  }

  private static ClusterCa create(Path dir, String name) {
    try {
      KeyPair pair = newKeyPair();
      X500Name subject = subject(name + " CA");
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(CA_VALIDITY)),
              subject,
              pair.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate certificate = sign(builder, pair.getPrivate());
      Files.createDirectories(dir);
      Pem.write(dir.resolve(CA_KEY), true, pair.getPrivate());
      Pem.write(dir.resolve(CA_CERT), false, certificate);
      return new ClusterCa(dir, pair.getPrivate(), certificate);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CA to " + dir + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a CA: " + e.getMessage(), e);
    }
  }

  /**
   * Issues a member's key and certificate for {@code hosts} (names or IP addresses it is reached
   * at) and writes them to {@code out} with the CA's certificate: {@code tls.key}, {@code tls.crt},
   * {@code ca.crt}.
   *
   * @throws IllegalArgumentException when no host is given
   */
  public void issue(List<String> hosts, Duration validity, Path out) {
    if (hosts.isEmpty() || hosts.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "give the host name or address the member is reached at, such as --host 10.0.0.5");
    }
    try {
      KeyPair pair = newKeyPair();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(validity)),
              subject(hosts.get(0)),
              pair.getPublic());
      List<GeneralName> names = new ArrayList<>();
      for (String host : hosts) {
        String h = host.strip();
        names.add(
            new GeneralName(
                IP_LITERAL.matcher(h).matches() ? GeneralName.iPAddress : GeneralName.dNSName, h));
      }
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(
                  new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                  }))
          .addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(certificate));
      X509Certificate issued = sign(builder, key);
      Files.createDirectories(out);
      Pem.write(out.resolve(MEMBER_KEY), true, pair.getPrivate());
      Pem.write(out.resolve(MEMBER_CERT), false, issued);
      Pem.write(out.resolve(CA_CERT), false, certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the member's key and certificate to " + out + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The folder of this machine's own member certificate for {@code hosts} (the host it is reached
   * at, then any other name it has), issued by this CA (into {@code members/HOSTS} beside it)
   * unless one is there, signed by this CA, naming every host and valid for a day more. Members
   * that start at once on one machine share it.
   */
  public Path memberFor(List<String> hosts) {
    Path out = dir.resolve("members").resolve(String.join(",", hosts).replace(':', '_'));
    return locked(
        dir,
        () -> {
          if (!usable(out, hosts)) {
            issue(hosts, MEMBER_VALIDITY, out);
          }
          return out;
        });
  }

  private boolean usable(Path member, List<String> hosts) {
    if (!Files.exists(member.resolve(MEMBER_KEY)) || !Files.exists(member.resolve(MEMBER_CERT))) {
      return false;
    }
    try {
      X509Certificate issued = Pem.certificates(member.resolve(MEMBER_CERT)).get(0);
      issued.verify(certificate.getPublicKey());
      issued.checkValidity(Date.from(Instant.now().plus(Duration.ofDays(1))));
      return hosts.stream().allMatch(host -> MemberTls.covers(issued, host))
          && Pem.certificates(member.resolve(CA_CERT)).get(0).equals(certificate);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private interface Work<T> {
    T run() throws IOException;
  }

  /** Runs {@code work} holding the CA folder's lock, which other JVMs on this machine respect. */
  private static <T> T locked(Path dir, Work<T> work) {
    try {
      Files.createDirectories(dir);
      try (FileChannel channel =
              FileChannel.open(
                  dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        return work.run();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the CA folder " + dir + ": " + e.getMessage(), e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(KEY_BITS, RANDOM);
    return generator.generateKeyPair();
  }

  private static X500Name subject(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "Cohort")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }
}
