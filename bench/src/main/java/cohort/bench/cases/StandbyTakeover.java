package cohort.bench.cases;

import cohort.api.security.TokenFile;
import cohort.bench.BenchContext;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import cohort.client.Credentials;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Case 9's standby half: a PostgreSQL server, two coordinator JVMs sharing a journal in it, each
 * with a data folder of its own (the first active, the second standing by), and two single-slot
 * nodes given both, all started as {@code cohort local} starts its JVMs (the build's jar and
 * class-data archive).
 */
final class StandbyTakeover implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(90);

  private final EmbeddedPostgres postgres;
  private final List<JvmProcess> children = new ArrayList<>();
  private final JvmProcess active;
  private final JvmProcess standby;
  private final BlockingQueue<String> standbyLines = new LinkedBlockingQueue<>();
  private final List<URI> urls = new ArrayList<>();
  private final Path caDir;
  private final Credentials credentials;

  private StandbyTakeover(BenchContext context) throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    String jar = System.getProperty("cohort.bench.jar", "");
    String archive = System.getProperty("cohort.bench.archive", "");
    String classPath = jar.isBlank() ? context.classPath() : jar;
    List<String> flags = archive.isBlank() ? List.of() : JvmProcess.archiveFlags(archive);
    Files.createDirectories(context.logs());
    String journal = postgres.getJdbcUrl("postgres", "postgres");
    caDir = context.logs().resolve("standby-ca");
    Path dataA = Files.createTempDirectory(context.logs(), "standby-a-");
    active = start(context, classPath, flags, "standby-a", line -> {}, coordinator(dataA, journal));
    Map<String, String> a = active.awaitReady(START);
    // The coordinators share the token the first made in the database, and copy it here.
    credentials = Credentials.of(TokenFile.read(dataA.resolve(TokenFile.NAME)));
    standby =
        start(
            context,
            classPath,
            flags,
            "standby-b",
            standbyLines::add,
            coordinator(Files.createTempDirectory(context.logs(), "standby-b-"), journal));
    Map<String, String> b = standbyFields();
    urls.add(URI.create(a.get("http")));
    urls.add(URI.create(b.get("http")));
    String joins = a.get("cluster") + "," + b.get("cluster");
    for (int i = 1; i <= 2; i++) {
      start(
          context,
          classPath,
          flags,
          "standby-node-" + i,
          line -> {},
          List.of(
              "node",
              "--join",
              joins,
              "--workers",
              "1",
              "--host",
              "127.0.0.1",
              "--cluster-ca-dir",
              caDir.toString()));
    }
  }

  static StandbyTakeover start(BenchContext context) throws IOException {
    return new StandbyTakeover(context);
  }

  private List<String> coordinator(Path data, String journal) {
    return List.of(
        "coordinator",
        "--host",
        "127.0.0.1",
        "--cluster-port",
        "0",
        "--http-port",
        "0",
        "--data-dir",
        data.toString(),
        "--journal",
        journal,
        "--cluster-ca-dir",
        caDir.toString());
  }

  private JvmProcess start(
      BenchContext context,
      String classPath,
      List<String> flags,
      String name,
      java.util.function.Consumer<String> output,
      List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("--parent-pid");
    all.add(Long.toString(ProcessHandle.current().pid()));
    JvmProcess child =
        JvmProcess.start(
            name,
            classPath,
            flags,
            all,
            Optional.of(context.logs().resolve(name + ".log")),
            output,
            false);
    children.add(child);
    return child;
  }

  private Map<String, String> standbyFields() {
    long deadline = System.nanoTime() + START.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        String line = standbyLines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith("cohort coordinator standby ")) {
          return JvmProcess.parseReady(line);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("the standby coordinator did not stand by; see its log");
  }

  /**
   * Kills the active coordinator a third of the way into a job, restarting nothing.
   *
   * @return the seconds from the kill until the standby serves, and until a new result
   */
  double[] killActive(int inputs) {
    CohortClient client = CohortClient.connect(urls, credentials);
    awaitNodes(client);
    return CoordinatorRestart.followThroughKill(
        client,
        inputs,
        () -> {
          active.kill();
          active.waitFor(Duration.ofSeconds(30));
          standby.awaitReady(START);
        });
  }

  private static void awaitNodes(CohortClient client) {
    long deadline = System.nanoTime() + START.toNanos();
    while (client.cluster().nodes().stream().filter(n -> n.status().equals("UP")).count() < 2) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the nodes did not join the active coordinator");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (JvmProcess child : children) {
      child.kill();
    }
    for (JvmProcess child : children) {
      child.waitFor(Duration.ofSeconds(30));
    }
    postgres.close();
  }
}
