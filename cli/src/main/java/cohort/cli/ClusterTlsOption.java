package cohort.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of a cluster member's certificate: {@code --cluster-tls-dir}, {@code
 * --cluster-ca-dir}.
 */
final class ClusterTlsOption {

  @Option(
      names = "--cluster-tls-dir",
      paramLabel = "DIR",
      description =
          "This member's key and certificate and the cluster's CA certificate (tls.key, tls.crt,"
              + " ca.crt, as cohort ca issue writes them; env COHORT_CLUSTER_TLS_DIR). Default: a"
              + " certificate this member issues itself from the CA in --cluster-ca-dir.")
  String dir;

  @Option(
      names = "--cluster-ca-dir",
      paramLabel = "DIR",
      description =
          "The CA a member without --cluster-tls-dir issues itself a certificate from, made there"
              + " when missing (default ~/.cohort/ca, env COHORT_CLUSTER_CA_DIR).")
  String caDir;

  /** Puts the options into a role's configuration overrides, when given. */
  void into(Map<String, Object> overrides) {
    CoordinatorCommand.put(overrides, "cohort.cluster-tls.dir", dir);
    CoordinatorCommand.put(overrides, "cohort.cluster-tls.ca-dir", caDir);
  }
}
