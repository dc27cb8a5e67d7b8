package cohort.cli.local;

import cohort.cli.CohortCommand;
import cohort.coordinator.CoordinatorApp;
import cohort.node.NodeApp;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The run the build records the class-data sharing archive from ({@code
 * cli/src/main/sh/class-archive.sh}, at {@code mvn package}): every class this JVM loads goes into
 * the archive, where the JVMs {@code bin/cohort} starts find it parsed and verified instead of
 * reading it from the jar. So it runs what those JVMs run: {@code cohort submit} on its in-process
 * cluster; a coordinator and a node in a real cluster, as {@code cohort coordinator}, {@code cohort
 * node} and the children of {@code cohort local} start; and the client commands against them. It
 * prints nothing but a summary line and exits 1 when a step fails.
 */
public final class ArchiveTraining {

  private static final Duration START = Duration.ofSeconds(60);

  private ArchiveTraining() {}

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    // Only errors: a build log has no use for the lifecycle of clusters that live seconds.
    System.setProperty("cohort.log.level", "ERROR");
    System.setProperty("cohort.pekko.log.level", "ERROR");
    org.slf4j.LoggerFactory.getILoggerFactory();
    run("submit", "echo", "1", "2");
    run("submit", "sum-range", "--range", "0..1000", "--split", "4", "--combine", "sum");

    // A data folder of its own: the default is the user's, where a coordinator may run.
    java.nio.file.Path data = java.nio.file.Files.createTempDirectory("cohort-training-");
    CoordinatorApp.Running coordinator =
        CoordinatorApp.start(
            CoordinatorApp.loadConfig(
                Map.of(
                    "cohort.coordinator.cluster-port",
                    0,
                    "cohort.coordinator.http-port",
                    0,
                    "cohort.coordinator.data-dir",
                    data.toString(),
                    "cohort.cluster-tls.ca-dir",
                    data.resolve("ca").toString(),
                    "pekko.cluster.jmx.multi-mbeans-in-same-jvm",
                    "on")));
    NodeApp.Runner node = null;
    Thread nodeThread = null;
    try {
      CoordinatorApp.Started up =
          coordinator.started().toCompletableFuture().get(START.toSeconds(), TimeUnit.SECONDS);
      node =
          new NodeApp.Runner(
              NodeApp.loadConfig(
                  Map.of(
                      "cohort.node.join",
                      up.clusterAddress(),
                      "cohort.node.workers",
                      1,
                      "cohort.node.cluster-port",
                      0,
                      "cohort.cluster-tls.ca-dir",
                      data.resolve("ca").toString(),
                      "pekko.cluster.jmx.multi-mbeans-in-same-jvm",
                      "on")));
      CompletableFuture<String> registered = new CompletableFuture<>();
      NodeApp.Runner runner = node;
      nodeThread =
          new Thread(
              () ->
                  runner.run(
                      new NodeApp.Listener() {
                        @Override
                        public void registered(String member, String with, boolean again) {
                          registered.complete(member);
                        }

                        @Override
                        public void rejoining(String reason) {}
                      }),
              "training-node");
      nodeThread.start();
      registered.get(START.toSeconds(), TimeUnit.SECONDS);
      String url = up.httpUrl();
      String token = data.resolve(cohort.api.security.TokenFile.NAME).toString();
      run("submit", "echo", "1", "--coordinator", url, "--token-file", token);
      run(
          "submit",
          "echo",
          "a",
          "b",
          "--unordered",
          "--quiet",
          "--coordinator",
          url,
          "--token-file",
          token);
      run("status", "--coordinator", url, "--token-file", token);
      run("status", "--json", "--coordinator", url, "--token-file", token);
      run("nodes", "--coordinator", url, "--token-file", token);
      run("tasks", "--coordinator", url, "--token-file", token);
    } finally {
      if (node != null) {
        node.stop();
        if (node.system() != null) {
          node.system().terminate();
        }
      }
      if (nodeThread != null) {
        nodeThread.join(START.toMillis());
      }
      coordinator.system().terminate();
      coordinator.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    System.out.printf(
        "class archive training: ran %s in %.1f s%n",
        List.of("submit", "a cluster", "submit --coordinator", "status", "nodes", "tasks"),
        (System.nanoTime() - started) / 1e9);
    System.exit(0);
  }

  /** Runs a command line as {@code cohort} would, its output discarded; throws when it fails. */
  private static void run(String... args) {
    CommandLine commandLine = CohortCommand.commandLine();
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    commandLine.setOut(nowhere);
    commandLine.setErr(nowhere);
    int code = CohortCommand.execute(commandLine, args);
    if (code != CohortCommand.OK) {
      throw new IllegalStateException(
          "cohort " + String.join(" ", args) + " exited with " + code + " during training");
    }
  }
}
