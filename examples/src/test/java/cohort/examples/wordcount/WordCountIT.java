package cohort.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.api.TaskInfo;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import cohort.client.CohortException;
import cohort.task.FileRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin end to end: a real cluster whose nodes load the plugin jar from a folder,
 * counting the words of generated text files sent through the cluster.
 */
class WordCountIT {

  private static LocalCluster cluster;
  private static CohortClient client;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Path.of(System.getProperty("cohort.it.logs"));
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
                List.of("--plugins", System.getProperty("cohort.plugins"))),
            2);
    client = CohortClient.connect(URI.create(cluster.url()));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Tests that the nodes offer the plugin's task, and the coordinator lists it. */
  @Test
  void nodesOfferThePluginTask() {
    TaskInfo task =
        client.tasks().stream()
            .filter(t -> t.name().equals("word-count"))
            .findFirst()
            .orElseThrow();
    assertThat(task.combiner()).isEqualTo("sum");
    assertThat(task.params()).extracting(p -> p.name()).containsExactly("minLength");
  }

  /** Tests that the word counts of many files, combined at the coordinator, are exact. */
  @Test
  void countsWordsOfFilesSentThroughTheCluster(@TempDir Path texts) throws Exception {
    String[] vocabulary = {"the", "cat", "sat", "on", "mat", "über", "naïve", "don't"};
    Map<String, Long> expected = new TreeMap<>();
    java.util.Random random = new java.util.Random(7);
    List<Path> files = new ArrayList<>();
    for (int f = 0; f < 12; f++) {
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 500 + f * 37; w++) {
        String word = vocabulary[random.nextInt(vocabulary.length)];
        text.append(random.nextBoolean() ? word.toUpperCase(java.util.Locale.ROOT) : word)
            .append(random.nextInt(5) == 0 ? ".\n" : " ");
        expected.merge(word, 1L, Long::sum);
      }
      Path file = texts.resolve("book-" + f + ".txt");
      Files.writeString(file, text);
      files.add(file);
    }
    JobStatus job = client.submit(JobRequest.streamed("word-count"));
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> inputs = new ArrayList<>();
    for (Path file : files) {
      inputs.add(
          json.valueToTree(
              new FileRef(
                  file.getFileName().toString(),
                  client.uploadBlob(job.id(), file),
                  null,
                  Files.size(file))));
    }
    client.sendInputs(job.id(), inputs.iterator());
    try (Stream<Result> results = client.results(job.id())) {
      assertThat(results.filter(Result::succeeded).count()).isEqualTo(12);
    }
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    Map<String, Long> counted = new TreeMap<>();
    end.combined()
        .fields()
        .forEachRemaining(e -> counted.put(e.getKey(), e.getValue().longValue()));
    assertThat(counted).isEqualTo(expected);
  }

  /** Tests that a job for a task no node has is refused, naming the tasks there are. */
  @Test
  void refusesATaskNoNodeHas() {
    try {
      client.submit(JobRequest.of("word-cuont", List.of()));
      throw new AssertionError("the job was accepted");
    } catch (CohortException e) {
      assertThat(e.httpStatus()).isEqualTo(400);
      assertThat(e.getMessage())
          .startsWith("unknown task 'word-cuont'; known tasks:")
          .contains("word-count");
    }
  }
}
