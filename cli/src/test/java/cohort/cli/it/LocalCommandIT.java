package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.cli.CohortCommand;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cohort local}: Pool(N) as a cluster, with node JVMs supervised. */
class LocalCommandIT {

  /**
   * Tests that cohort local starts a coordinator and N nodes on the ports its environment names (0:
   * free ones, which its readiness line reports), makes the API token in its data folder (mode
   * 0600) and prints where, where the cohort command finds it, starts a new node when one is
   * killed, and stops every JVM it started when it is stopped.
   */
  @Test
  void startsSupervisesAndStopsAClusterOfJvms() throws Exception {
    Cli.Running local =
        Cli.start(
            // No token given: cohort local makes its own.
            Map.of("COHORT_HTTP_PORT", "0", "COHORT_CLUSTER_PORT", "0", "COHORT_TOKEN", ""),
            List.of(),
            null,
            "local",
            "--nodes",
            "2");
    ProcessHandle handle = local.handle();
    try {
      String ready = local.awaitStdoutLine("cohort local ready", Duration.ofSeconds(120));
      Map<String, String> fields = JvmProcess.parseReady(ready);
      // The environment's port 0 reached the coordinator, which bound a free port, not 8470.
      assertThat(fields.get("http")).matches("http://127\\.0\\.0\\.1:[1-9][0-9]*");
      URI http = URI.create(fields.get("http"));
      assertThat(http.getPort()).isNotEqualTo(8470);
      assertThat(handle.descendants().map(LocalCommandIT::commandLine))
          .anySatisfy(
              command -> assertThat(command).contains(" coordinator ").contains("--http-port 0"));
      String said =
          local.awaitStdoutLine(
              "  requests need the API token: the one in", Duration.ofSeconds(10));
      java.nio.file.Path tokenFile =
          java.nio.file.Path.of(said.replaceAll(".*the one in (\\S+) .*", "$1"));
      assertThat(java.nio.file.Files.getPosixFilePermissions(tokenFile))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      CohortClient client =
          CohortClient.connect(
              http, cohort.client.Credentials.of(cohort.api.security.TokenFile.read(tokenFile)));
      // The cohort command finds the token in cohort local's data folder by itself.
      Cli.Run byDefaultFile =
          Cli.run(
              Map.of("COHORT_TOKEN", "", "COHORT_LOCAL_DATA_DIR", tokenFile.getParent().toString()),
              "status",
              "--coordinator",
              http.toString());
      assertThat(byDefaultFile.exitCode()).as(byDefaultFile.stderr()).isZero();
      assertThat(fields).containsEntry("nodes", "2");
      Jobs.awaitCluster(
          client, status -> status.nodes().size() == 2, Duration.ofSeconds(30), "two nodes");

      List<ProcessHandle> nodes =
          handle.descendants().filter(p -> commandLine(p).contains(" node ")).toList();
      assertThat(nodes).hasSize(2);
      java.util.Set<String> before = new java.util.HashSet<>();
      client.cluster().nodes().forEach(n -> before.add(n.address()));
      nodes.get(0).destroyForcibly();
      // Two nodes up, one of them new: the killed one is gone from the cluster, its replacement in.
      Jobs.awaitCluster(
          client,
          status ->
              status.nodes().size() == 2
                  && status.nodes().stream().allMatch(n -> n.status().equals("UP"))
                  && status.nodes().stream().filter(n -> !before.contains(n.address())).count()
                      == 1,
          Duration.ofSeconds(90),
          "a new node in place of the killed one");

      JobStatus job = client.submit(JobRequest.range("sum-range", "0..1000000").withSplit(8));
      assertThat(Jobs.results(client, job.id())).hasSize(8);
      assertThat(client.status(job.id()).combined().longValue()).isEqualTo(499999500000L);

      List<ProcessHandle> children = handle.descendants().toList();
      local.signal("TERM");
      Cli.Run stopped = local.await(Duration.ofSeconds(90));
      assertThat(children)
          .allSatisfy(child -> assertThat(child.isAlive()).as(commandLine(child)).isFalse());
      assertThat(stopped.stderr()).contains("exited with code").contains("in its place");
      assertThat(stopped.exitCode()).as(stopped.stderr()).isZero();
    } finally {
      Children.kill(handle);
    }
  }

  /**
   * Tests that cohort local by default starts one node JVM with a worker slot per core, and that it
   * ends with an error, and stops its nodes, when its coordinator dies: a cluster without its
   * coordinator is not a clean stop.
   */
  @Test
  void startsOneNodeJvmWithASlotPerCoreAndEndsWithAnErrorWhenItsCoordinatorDies() throws Exception {
    Cli.Running local =
        Cli.start(
            Map.of("COHORT_HTTP_PORT", "0", "COHORT_CLUSTER_PORT", "0"), List.of(), null, "local");
    ProcessHandle handle = local.handle();
    try {
      String ready = local.awaitStdoutLine("cohort local ready", Duration.ofSeconds(120));
      int cores = Runtime.getRuntime().availableProcessors();
      Map<String, String> fields = JvmProcess.parseReady(ready);
      assertThat(fields).containsEntry("nodes", "1").containsEntry("slots", "" + cores);
      CohortClient client = CohortClient.connect(URI.create(fields.get("http")));
      Jobs.awaitCluster(
          client, status -> status.nodes().size() == 1, Duration.ofSeconds(30), "the node");
      assertThat(client.cluster().nodes())
          .singleElement()
          .satisfies(n -> assertThat(n.slots()).isEqualTo(cores));
      List<ProcessHandle> children = handle.descendants().toList();
      assertThat(children.stream().filter(p -> commandLine(p).contains(" node "))).hasSize(1);
      children.stream()
          .filter(p -> commandLine(p).contains(" coordinator "))
          .findFirst()
          .orElseThrow()
          .destroyForcibly();
      Cli.Run ended = local.await(Duration.ofSeconds(90));
      assertThat(ended.exitCode()).as(ended.stderr()).isEqualTo(CohortCommand.JOB_FAILED);
      assertThat(children)
          .allSatisfy(child -> assertThat(child.isAlive()).as(commandLine(child)).isFalse());
    } finally {
      Children.kill(handle);
    }
  }

  /**
   * Tests that cohort local killed with SIGKILL, which leaves it no chance to stop its children,
   * leaves none running: each child sees its parent gone and stops cleanly by itself.
   */
  @Test
  void childrenEndWhenCohortLocalIsKilled(@TempDir Path dir) throws Exception {
    // Every child shares cohort local's stderr, here a FIFO: it ends once the last of them has.
    Path fifo = dir.resolve("stderr");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    CompletableFuture<String> stderr = readAll(fifo);
    Process local;
    try {
      local =
          Cli.startPiped(
              Map.of("COHORT_HTTP_PORT", "0", "COHORT_CLUSTER_PORT", "0"),
              fifo,
              "local",
              "--nodes",
              "2");
    } catch (IOException e) {
      new FileOutputStream(fifo.toFile()).close(); // releases the reader
      throw e;
    }
    List<ProcessHandle> children = List.of();
    try {
      CompletableFuture<String> ready = readyLine(local.getInputStream());
      assertThat(ready.get(120, TimeUnit.SECONDS)).startsWith("cohort local ready");
      children = local.toHandle().children().toList();
      List<String> commands = children.stream().map(LocalCommandIT::commandLine).toList();
      assertThat(commands).hasSize(3).anySatisfy(c -> assertThat(c).contains(" coordinator "));

      local.destroyForcibly();
      assertThat(local.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String log;
      try {
        log = stderr.get(120, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "120 s after cohort local was killed, its children still run: "
                + children.stream()
                    .filter(child -> !Children.ended(child))
                    .map(LocalCommandIT::commandLine)
                    .toList(),
            e);
      }
      assertThat(children)
          .allSatisfy(child -> assertThat(Children.ended(child)).as(commandLine(child)).isTrue());
      assertThat(commands).allSatisfy(c -> assertThat(c).contains("--parent-pid " + local.pid()));
      assertThat(log)
          .contains("process " + local.pid() + " that started this coordinator is gone; stopping")
          .contains("process " + local.pid() + " that started this node is gone; stopping")
          .doesNotContain("join again");
    } finally {
      local.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Reads a FIFO to its end, once a writer has opened it, on a thread of its own. */
  private static CompletableFuture<String> readAll(Path fifo) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream in = Files.newInputStream(fifo)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "children-stderr");
              thread.setDaemon(true);
              return thread;
            }));
  }

  /** Completes with the readiness line, then reads the rest of the stream to its end. */
  private static CompletableFuture<String> readyLine(InputStream in) {
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.startsWith("cohort local ready")) {
                    ready.complete(line);
                  }
                }
                ready.completeExceptionally(new AssertionError("cohort local ended unready"));
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
            },
            "local-stdout");
    reader.setDaemon(true);
    reader.start();
    return ready;
  }

  private static String commandLine(ProcessHandle process) {
    return process.info().commandLine().orElse("");
  }
}
