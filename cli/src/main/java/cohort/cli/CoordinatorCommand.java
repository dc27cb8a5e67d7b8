package cohort.cli;

import cohort.coordinator.CoordinatorApp;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cohort coordinator}: runs the coordinator JVM. Prints {@code cohort coordinator ready
 * cluster=HOST:PORT http=URL} on stdout once it serves, and runs until stopped (SIGTERM, Ctrl-C).
 */
@Command(
    name = "coordinator",
    sortOptions = false,
    description = {
      "Run the coordinator: it founds the cluster, splits jobs into tasks and serves the HTTP API.",
      "Every option overrides conf/coordinator.conf and its environment variable."
    })
final class CoordinatorCommand implements Callable<Integer> {

  @Mixin HostOption host;

  @Mixin AdvertiseOption advertise;

  @Option(
      names = "--cluster-port",
      paramLabel = "P",
      description = "Cluster port nodes join (default 25520, env COHORT_CLUSTER_PORT).")
  Integer clusterPort;

  @Option(
      names = "--http-port",
      paramLabel = "Q",
      description = "HTTP API port, 0 for a free one (default 8470, env COHORT_HTTP_PORT).")
  Integer httpPort;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the coordinator keeps its jobs, their inputs and results; a restart on the same"
              + " folder goes on with every job (default ~/.cohort/coordinator, env"
              + " COHORT_DATA_DIR).")
  String dataDir;

  @Option(
      names = "--journal",
      paramLabel = "JDBC-URL",
      description =
          "Journal the jobs, and copy the files they need, in a shared PostgreSQL database"
              + " (jdbc:postgresql://HOST:PORT/DB) instead of the data folder alone: coordinators"
              + " that share it take turns, one active and the others standing by (env"
              + " COHORT_JOURNAL; user and password from COHORT_JOURNAL_USER and"
              + " COHORT_JOURNAL_PASSWORD).")
  String journal;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding the API token every request must carry (env COHORT_TOKEN_FILE, or the"
              + " token itself in COHORT_TOKEN). Default: the file token in the data folder, made"
              + " on the first start.")
  String tokenFile;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description =
          "Serve the API over HTTPS with this certificate (env COHORT_TLS_CERT); needs --tls-key.")
  String tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "The HTTPS certificate's private key (env COHORT_TLS_KEY).")
  String tlsKey;

  @Option(
      names = "--insecure",
      description =
          "Start even when bound beyond loopback without HTTPS or a TLS cluster port; warns at"
              + " every start (env COHORT_INSECURE).")
  Boolean insecure;

  @Mixin ClusterTlsOption clusterTls;

  @Mixin ParentPidOption parent;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    parent.watch("coordinator");
    Map<String, Object> overrides = new HashMap<>();
    host.into(overrides);
    advertise.into(overrides);
    put(overrides, "cohort.coordinator.cluster-port", clusterPort);
    put(overrides, "cohort.coordinator.http-port", httpPort);
    put(overrides, "cohort.coordinator.data-dir", dataDir);
    put(overrides, "cohort.coordinator.journal", journal);
    put(overrides, "cohort.coordinator.token-file", tokenFile);
    put(overrides, "cohort.coordinator.tls-cert", tlsCert);
    put(overrides, "cohort.coordinator.tls-key", tlsKey);
    put(overrides, "cohort.coordinator.insecure", insecure);
    clusterTls.into(overrides);
    CoordinatorApp.Running running = CoordinatorApp.start(CoordinatorApp.loadConfig(overrides));
    PrintWriter out = spec.commandLine().getOut();
    if (running.shared()) {
      CoordinatorApp.Started standby =
          Servers.await(running.serving(), Duration.ofSeconds(60), running.system(), "coordinator");
      // Stopped while it stands by or leads: exit 0. Failed to take over: the error's exit code.
      Servers.exitZeroAfterCleanStop(
          () ->
              running.started().toCompletableFuture().isCompletedExceptionally()
                  ? null
                  : running.system(),
          Duration.ofSeconds(60));
      out.println(
          "cohort coordinator standby cluster="
              + standby.clusterAddress()
              + " http="
              + standby.httpUrl());
      out.println("  it takes over when no other coordinator sharing its journal is active");
      out.flush();
    }
    // A standby waits as long as another coordinator is active.
    CoordinatorApp.Started started =
        Servers.await(
            running.started(),
            running.shared() ? null : Duration.ofSeconds(60),
            running.system(),
            "coordinator");
    if (!running.shared()) {
      Servers.exitZeroAfterCleanStop(running::system, Duration.ofSeconds(60));
    }
    out.println(
        "cohort coordinator ready cluster="
            + started.clusterAddress()
            + " http="
            + started.httpUrl());
    out.println("  jobs are kept in " + running.dataDir() + "; a restart on it goes on with them");
    out.println("  requests need the API token: " + running.token());
    out.flush();
    Servers.awaitTermination(running.system());
    return CohortCommand.OK;
  }

  static void put(Map<String, Object> overrides, String key, Object value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }
}
