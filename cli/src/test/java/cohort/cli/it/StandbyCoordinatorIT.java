package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators, each with a data folder of its own, share a journal in a real PostgreSQL
 * server: one is active, the other stands by, redirects clients to it, and takes over when it is
 * killed (SIGKILL) in the middle of a job. Nodes given both addresses join whichever is active.
 */
class StandbyCoordinatorIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedPostgres postgres;
  private static Path logs;
  private static final List<JvmProcess> CHILDREN = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws Exception {
    logs = Children.logDir(StandbyCoordinatorIT.class);
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (JvmProcess child : CHILDREN) {
      child.kill();
    }
    for (JvmProcess child : CHILDREN) {
      child.waitFor(Duration.ofSeconds(30));
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /**
   * Tests that a coordinator that takes the lead over a database whose copy of a file is damaged (a
   * chunk missing) stops with an error naming the file and what to do, exits with an error (not 0),
   * and starts no job.
   */
  @Test
  void aDamagedCopyStopsTheTakeoverWithAClearError() throws Exception {
    try (java.sql.Connection admin = postgres.getPostgresDatabase().getConnection();
        java.sql.Statement run = admin.createStatement()) {
      run.execute("CREATE DATABASE damaged");
    }
    String url = postgres.getJdbcUrl("postgres", "damaged");
    try (java.sql.Connection damaged =
            java.sql.DriverManager.getConnection(url, "postgres", "postgres");
        java.sql.Statement run = damaged.createStatement()) {
      run.execute(
          "CREATE TABLE cohort_file_chunk (path VARCHAR(512) NOT NULL, start_at BIGINT NOT NULL,"
              + " bytes BYTEA NOT NULL, PRIMARY KEY (path, start_at))");
      run.execute(
          "INSERT INTO cohort_file_chunk VALUES ('abc-1.ndjson', 0, 'x'), ('abc-1.ndjson', 5,"
              + " 'y')");
    }
    Coordinator broken = coordinator("coordinator-damaged", Children.dataDir(logs), url);
    Optional<Integer> exit = broken.process().waitFor(START);
    assertThat(exit).isPresent();
    assertThat(exit.get()).isNotZero();
    assertThat(Files.readString(logs.resolve("coordinator-damaged.log")))
        .contains("keeps abc-1.ndjson with a gap at byte 1; restore the database from a backup");
  }

  /** A coordinator JVM sharing the journal and {@code data}, and the lines it prints. */
  private record Coordinator(JvmProcess process, BlockingQueue<String> lines) {

    /** The fields of the first line that starts with {@code prefix}, waiting for it. */
    Map<String, String> await(String prefix, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(200, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith(prefix)) {
          return JvmProcess.parseReady(line);
        }
        if (line == null && !process.isAlive()) {
          break;
        }
      }
      throw new AssertionError(
          process.name() + " printed no '" + prefix + "' line; see " + process.log().orElse(null));
    }
  }

  private static Coordinator coordinator(String name, Path data) {
    return coordinator(name, data, postgres.getJdbcUrl("postgres", "postgres"));
  }

  private static Coordinator coordinator(String name, Path data, String journal) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    JvmProcess process =
        JvmProcess.start(
            name,
            Children.classPath(),
            List.of(),
            List.of(
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
                "--parent-pid",
                Long.toString(ProcessHandle.current().pid())),
            Optional.of(logs.resolve(name + ".log")),
            lines::add,
            false);
    CHILDREN.add(process);
    return new Coordinator(process, lines);
  }

  private static JvmProcess node(String name, String join) {
    JvmProcess node =
        JvmProcess.start(
            name,
            Children.classPath(),
            List.of(),
            List.of(
                "node",
                "--join",
                join,
                "--workers",
                "2",
                // Files travel through the coordinator, and so through the database's copies.
                "--no-read-in-place",
                "--host",
                "127.0.0.1",
                "--parent-pid",
                Long.toString(ProcessHandle.current().pid())),
            Optional.of(logs.resolve(name + ".log")),
            line -> {},
            false);
    CHILDREN.add(node);
    return node;
  }

  /**
   * Tests that the first coordinator takes the lead and the second stands by (its {@code /health}
   * says so and names the active one, its API redirects there, also for a job whose files travel
   * through the coordinator), and that when the active one is killed during a {@code --combine sum}
   * job of 2,000 sleeps and one of 1,000 whose inputs come on stdin, the standby takes over from
   * what the database holds: the nodes join it, the attached submit (given both URLs) exits 0
   * having printed every index exactly once with the exact sum, and the job and one that finished
   * before are readable from the new active coordinator, under the same ids.
   */
  @Test
  void theStandbyTakesOverWhenTheActiveCoordinatorDies(@TempDir Path dir) throws Exception {
    // A data folder each, as on two machines: the database is all they share.
    Coordinator first = coordinator("coordinator-a", Children.dataDir(logs));
    Map<String, String> a = first.await("cohort coordinator standby", START);
    Map<String, String> active = first.process().awaitReady(START);
    assertThat(active.get("http")).isEqualTo(a.get("http"));
    Coordinator second = coordinator("coordinator-b", Children.dataDir(logs));
    Map<String, String> b = second.await("cohort coordinator standby", START);
    String urlA = a.get("http");
    String urlB = b.get("http");

    HttpClient http = HttpClient.newHttpClient();
    JsonNode health =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(urlB + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    assertThat(health.get("role").asText()).isEqualTo("standby");
    assertThat(health.get("active").asText()).isEqualTo(urlA);
    HttpResponse<String> redirect =
        http.send(
            HttpRequest.newBuilder(URI.create(urlB + "/jobs?x=1"))
                // the token every JVM of the system tests gets from the build (pom.xml)
                .header("Authorization", "Bearer " + System.getenv("COHORT_TOKEN"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(redirect.statusCode()).isEqualTo(307);
    assertThat(redirect.headers().firstValue("Location")).contains(urlA + "/jobs?x=1");

    String joins = a.get("cluster") + "," + b.get("cluster");
    node("node-1", joins);
    node("node-2", joins);
    // A client of the standby alone is redirected to the active one.
    CohortClient viaStandby = CohortClient.connect(URI.create(urlB));
    Jobs.awaitCluster(
        viaStandby,
        status -> status.nodes().stream().filter(n -> n.status().equals("UP")).count() == 2,
        START,
        "both nodes up");
    JobStatus finished = viaStandby.submit(JobRequest.range("echo", "0..100"));
    Jobs.assertEveryIndexOnce(Jobs.results(viaStandby, finished.id()), 100);
    // Files the nodes ask the client for, sent through the standby's redirects.
    Path photos = Files.createDirectories(dir.resolve("photos"));
    Path thumbs = Files.createDirectories(dir.resolve("thumbs"));
    for (int i = 0; i < 6; i++) {
      FileInputsIT.photo(photos.resolve("p-" + i + ".jpg"), 300 + i * 10, 200);
    }
    Cli.Run thumbnails = FileInputsIT.thumbnails(urlB, photos, thumbs);
    assertThat(thumbnails.exitCode()).as(thumbnails.stderr()).isZero();
    assertThat(thumbnails.stderr()).contains("cohort: 6 of 6 files travelled through the cluster");
    try (var written = Files.list(thumbs)) {
      assertThat(written.count()).isEqualTo(6);
    }

    List<String> args =
        new ArrayList<>(
            List.of(
                "submit",
                "sleep",
                "--coordinator",
                urlA + "," + urlB,
                "--unordered",
                "--combine",
                "sum"));
    for (int i = 0; i < 2000; i++) {
      args.add("10");
    }
    Cli.Running summed = Cli.start(args.toArray(String[]::new));
    Path lines = dir.resolve("stdin.txt");
    Files.write(lines, java.util.Collections.nCopies(1000, "10"));
    Cli.Running streamed = Cli.streamedSleeps(urlA + "," + urlB, lines);
    summed.awaitStdoutLines(200, START);
    streamed.awaitStdoutLines(50, START);
    first.process().kill();
    assertThat(first.process().waitFor(Duration.ofSeconds(30))).isPresent();

    Map<String, String> took = second.process().awaitReady(START);
    assertThat(took.get("http")).isEqualTo(urlB);
    Cli.Run sum = summed.await(Duration.ofSeconds(180));
    assertThat(sum.exitCode()).as(sum.stderr()).isZero();
    List<Long> indexes = CoordinatorCrashIT.indexes(sum.stdout());
    assertThat(indexes).hasSize(2000);
    assertThat(new HashSet<>(indexes)).hasSize(2000);
    assertThat(sum.lastLine()).isEqualTo("20000");
    Cli.Run piped = streamed.await(Duration.ofSeconds(180));
    assertThat(piped.exitCode()).as(piped.stderr()).isZero();
    assertThat(piped.lastLine()).isEqualTo("10000");
    List<Long> pipedIndexes = CoordinatorCrashIT.indexes(piped.stdout());
    assertThat(pipedIndexes).hasSize(1000);
    assertThat(new HashSet<>(pipedIndexes)).hasSize(1000);

    CohortClient client = CohortClient.connect(URI.create(urlB));
    assertThat(client.status(sum.jobId()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(client.status(finished.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    Jobs.assertEveryIndexOnce(Jobs.results(client, finished.id()), 100);
    // The nodes left at once when nothing answered where the active coordinator served.
    for (String node : List.of("node-1.log", "node-2.log")) {
      assertThat(Files.readString(logs.resolve(node)))
          .as(node)
          .contains("the coordinator at " + urlA + " is gone");
    }
    assertThat(Files.readString(logs.resolve("coordinator-b.log")))
        .contains("took the lead of the coordinators sharing the journal (term 2)");
  }
}
