package cohort.examples.pool;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.cli.local.LocalCluster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example program run as a user runs it, in a JVM of its own: against a real cluster whose
 * nodes do not have its task, and with the cluster inside itself. Its counts are checked against
 * the test's own count of the same generated text.
 */
class TopWordsIT {

  private static LocalCluster cluster;

  @TempDir static Path work;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Path.of(System.getProperty("cohort.it.logs")).resolve("TopWordsIT");
    Files.createDirectories(logs);
    cluster =
        LocalCluster.start(
            new LocalCluster.Options(
                System.getProperty("cohort.jar"),
                List.of("-Xmx256m"),
                "127.0.0.1",
                0,
                0,
                Files.createTempDirectory(logs, "coordinator-data-"),
                Optional.of(logs),
                line -> {},
                false,
                false,
                List.of()),
            2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Tests that the program's top words on a running cluster match a count made here. */
  @Test
  @Timeout(180)
  void countsTheWordsOnARunningCluster() throws Exception {
    List<Path> files = texts();
    List<String> out =
        run(
            Map.of("COHORT_COORDINATOR", cluster.url(), "COHORT_TOKEN", cluster.token().value()),
            files);
    assertThat(out).isEqualTo(expectedTop(files, 5));
  }

  /** Tests that without a coordinator the program runs on a cluster inside itself. */
  @Test
  @Timeout(180)
  void countsTheWordsOnAClusterInsideItself() throws Exception {
    List<Path> files = texts();
    assertThat(run(Map.of(), files)).isEqualTo(expectedTop(files, 5));
  }

  private static List<Path> texts() throws IOException {
    String[] vocabulary = {"pool", "map", "queue", "lock", "event", "pipe", "value", "cohort"};
    Random random = new Random(42);
    List<Path> files = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      StringBuilder text = new StringBuilder();
      for (int line = 0; line < 400; line++) {
        for (int w = 0; w < 1 + random.nextInt(12); w++) {
          String word = vocabulary[Math.min(random.nextInt(10), vocabulary.length - 1)];
          text.append(w == 0 ? "" : random.nextBoolean() ? " " : ", ")
              .append(word.toUpperCase().charAt(0))
              .append(word.substring(1));
        }
        text.append(".\n");
      }
      Path file = Files.writeString(work.resolve("text-" + f + ".txt"), text.toString());
      files.add(file);
    }
    return files;
  }

  private static List<String> expectedTop(List<Path> files, int top) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        for (String word : line.toLowerCase().split("[^a-z]+")) {
          if (!word.isEmpty()) {
            counts.merge(word, 1L, Long::sum);
          }
        }
      }
    }
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .map(entry -> entry.getValue() + " " + entry.getKey())
        .toList();
  }

  /** Runs the program in a JVM of its own, as its Javadoc says, and returns its stdout lines. */
  private static List<String> run(Map<String, String> env, List<Path> files) throws Exception {
    Path jar;
    try (Stream<Path> built = Files.list(Path.of(System.getProperty("cohort.plugins")))) {
      jar = built.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("-Xmx256m", "-cp", jar + File.pathSeparator + System.getProperty("cohort.jar")));
    command.addAll(List.of(TopWords.class.getName(), "--top", "5"));
    files.forEach(file -> command.add(file.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("COHORT_COORDINATOR");
    builder.environment().putAll(env);
    // The cluster inside the program keeps its CA in the test's folder, not in ~/.cohort.
    builder.environment().put("COHORT_CLUSTER_CA_DIR", work.resolve("ca").toString());
    Path err = work.resolve("top-words-" + System.nanoTime() + ".err");
    builder.redirectError(err.toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(150, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(err)).isZero();
    return out.lines().toList();
  }
}
