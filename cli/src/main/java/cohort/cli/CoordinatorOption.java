package cohort.cli;

import cohort.client.CohortClient;
import java.net.URI;
import picocli.CommandLine.Option;

/** The {@code --coordinator URL} option, defaulting to {@code $COHORT_COORDINATOR}. */
final class CoordinatorOption {

  /** Where {@code cohort local} and {@code cohort coordinator} serve HTTP by default. */
  static final String DEFAULT_URL = "http://127.0.0.1:8470";

  @Option(
      names = "--coordinator",
      paramLabel = "URL",
      defaultValue = "${env:COHORT_COORDINATOR}",
      description =
          "The coordinator's HTTP URL (default: $COHORT_COORDINATOR); with coordinators that stand"
              + " by for it, all of them, separated by commas")
  String url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding the coordinator's API token (default: $COHORT_TOKEN, then"
              + " $COHORT_TOKEN_FILE, then the token file of ~/.cohort/coordinator or"
              + " ~/.cohort/local)")
  java.nio.file.Path tokenFile;

  @Option(
      names = "--tls-ca",
      paramLabel = "PEM",
      description =
          "A CA certificate to trust for an https coordinator, besides the JDK's (default:"
              + " $COHORT_TLS_CA)")
  java.nio.file.Path tlsCa;

  /** The token and CA this command presents: the options over the environment. */
  cohort.client.Credentials credentials() {
    cohort.client.Credentials credentials = cohort.client.Credentials.fromEnvironment();
    if (tokenFile != null) {
      credentials = credentials.withTokenFile(tokenFile);
    }
    if (tlsCa != null) {
      credentials = credentials.withTrustedCa(tlsCa);
    }
    return credentials;
  }

  /** Whether a coordinator was given by flag or environment. */
  boolean given() {
    return url != null && !url.isBlank();
  }

  /** A client of the given coordinator, or of the default URL when none was given. */
  CohortClient client() {
    if (!given()) {
      return CohortClient.connect(URI.create(DEFAULT_URL), credentials());
    }
    java.util.List<URI> urls = new java.util.ArrayList<>();
    for (String one : url.split(",")) {
      if (!one.isBlank()) {
        urls.add(URI.create(one.trim()));
      }
    }
    return CohortClient.connect(urls, credentials());
  }
}
