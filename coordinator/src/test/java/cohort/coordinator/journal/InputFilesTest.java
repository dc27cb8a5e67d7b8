package cohort.coordinator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.coordinator.job.InputSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's listed inputs kept beside the journal and read back after a restart. */
class InputFilesTest {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(
              com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static List<JsonNode> inputs(String... json) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String text : json) {
      nodes.add(JSON.readTree(text));
    }
    return nodes;
  }

  /**
   * Tests that inputs come back as they were given, every digit of a decimal kept, and that a job's
   * file goes when it is deleted.
   */
  @Test
  void keepsInputsAsGiven(@TempDir Path dir) throws Exception {
    List<JsonNode> given =
        inputs(
            "0.10", "3.00", "\"text\"", "{\"blob\":\"b-1\",\"name\":\"a.jpg\"}", "[1,[2]]", "null");
    InputFiles files = new InputFiles(dir);
    files.write("ab-1", InputSource.of(given));

    InputSource read = files.read("ab-1");
    assertThat(read.size()).isEqualTo(given.size());
    List<String> texts = new ArrayList<>();
    for (long i = 0; i < read.size(); i++) {
      texts.add(read.get(i).toString());
    }
    assertThat(texts)
        .containsExactly(
            "0.10", "3.00", "\"text\"", "{\"blob\":\"b-1\",\"name\":\"a.jpg\"}", "[1,[2]]", "null");
    assertThat(dir.resolve("inputs")).isDirectoryContaining("glob:**/ab-1.cbor");
    files.delete("ab-1");
    assertThat(Files.exists(files.file("ab-1"))).isFalse();
  }

  /** Tests that a missing or cut file is refused, naming the job, the file and what is wrong. */
  @Test
  void aMissingOrDamagedFileSaysWhich(@TempDir Path dir) throws Exception {
    InputFiles files = new InputFiles(dir);
    assertThatThrownBy(() -> files.read("ab-2"))
        .hasMessage("the inputs of job ab-2 are missing: " + files.file("ab-2") + " is gone");
    files.write("ab-3", InputSource.of(inputs("1", "2", "\"three\"")));
    byte[] whole = Files.readAllBytes(files.file("ab-3"));
    Files.write(files.file("ab-3"), Arrays.copyOf(whole, whole.length - 3));
    assertThatThrownBy(() -> files.read("ab-3"))
        .hasMessageStartingWith(
            "the inputs of job ab-3 in " + files.file("ab-3") + " are damaged: ");
  }
}
