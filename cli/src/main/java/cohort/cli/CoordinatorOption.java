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

  /** Whether a coordinator was given by flag or environment. */
  boolean given() {
    return url != null && !url.isBlank();
  }

  /** A client of the given coordinator, or of the default URL when none was given. */
  CohortClient client() {
    if (!given()) {
      return CohortClient.connect(URI.create(DEFAULT_URL));
    }
    java.util.List<URI> urls = new java.util.ArrayList<>();
    for (String one : url.split(",")) {
      if (!one.isBlank()) {
        urls.add(URI.create(one.trim()));
      }
    }
    return CohortClient.connect(urls);
  }
}
