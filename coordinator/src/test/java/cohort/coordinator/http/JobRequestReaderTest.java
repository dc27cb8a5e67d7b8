package cohort.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import cohort.api.JobRequest;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The reader of job bodies on its own: every way a body is wrong, in the words it answers. */
class JobRequestReaderTest {

  private final JobRequestReader reader = new JobRequestReader(ApiJson.newMapper());

  private JobRequest read(String body) {
    return reader.read(body.getBytes(StandardCharsets.UTF_8));
  }

  private String refusal(String body) {
    try {
      read(body);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("the body was read: " + body);
  }

  /** Tests that a good body is read as it is. */
  @Test
  void readsAJob() {
    JobRequest request = read("{\"task\":\"echo\",\"inputs\":[\"a\"],\"batch\":2}");
    assertThat(request.task()).isEqualTo("echo");
    assertThat(request.inputs()).containsExactly(TextNode.valueOf("a"));
    assertThat(request.batch()).isEqualTo(2);
  }

  /** Tests that a value of the wrong type names the field, what it has and what it takes. */
  @Test
  void namesTheFieldWithAWrongValue() {
    assertThat(refusal("{\"task\":\"echo\",\"inputs\":5}"))
        .isEqualTo("'inputs' is 5; it takes a list of JSON values, such as [1,2,3]");
    assertThat(refusal("{\"task\":\"echo\",\"batch\":\"3\"}"))
        .isEqualTo(
            "'batch' is the string \"3\"; it takes a whole number of inputs per dispatch, 1 or"
                + " more; leave 'batch' out to size batches from the measured task time");
    assertThat(refusal("{\"task\":\"echo\",\"ordered\":1}"))
        .isEqualTo("'ordered' is 1; it takes true or false");
    assertThat(refusal("{\"task\":\"echo\",\"retries\":2.5}"))
        .isEqualTo("'retries' is 2.5; it takes a whole number from 0 to 100");
    assertThat(refusal("{\"task\":\"echo\",\"split\":12345678901234}"))
        .isEqualTo("'split' is 12345678901234; it takes a whole number of parts, 1 or more");
    assertThat(refusal("{\"task\":{\"name\":\"echo\"}}"))
        .isEqualTo(
            "'task' is an object {\"name\":\"echo\"}; it takes a task's name, a string such as"
                + " \"echo\" (GET /tasks lists them)");
    assertThat(refusal("{\"task\":\"echo\",\"range\":[0," + "1,".repeat(40) + "2]}"))
        .startsWith("'range' is a list [0,1,1,1,")
        .contains("...; it takes a string \"A..B\"");
  }

  /** Tests the bodies that are wrong as a whole: empty, not an object, more after it, not JSON. */
  @Test
  void saysWhatIsWrongWithTheWholeBody() {
    assertThat(refusal("")).startsWith("the body is empty");
    assertThat(refusal("[1,2]"))
        .isEqualTo(
            "the body is a list; send one JSON object, a job such as"
                + " {\"task\":\"echo\",\"inputs\":[1,2,3]}");
    assertThat(refusal("\"echo\"")).startsWith("the body is a string; send one JSON object");
    assertThat(refusal("{\"task\":\"echo\"} {}"))
        .isEqualTo(
            "the body goes on after the job's closing } (line 1, column 17); send one JSON object");
    assertThat(refusal("{\"task\":\"echo\",\"inputz\":[1]}"))
        .startsWith("unknown field 'inputz' in the job; known fields: task, params, inputs");
    assertThat(refusal("{\"task\":\"echo\","))
        .isEqualTo(
            "the body is not a valid job: it is not JSON: the body ends before the job does"
                + " (line 1, column 16)");
    assertThat(refusal("{not json"))
        .startsWith("the body is not a valid job: it is not JSON: Unexpected character ('n'")
        .endsWith("(line 1, column 2)");
  }

  /** Tests that no message names a Java type, whatever the body. */
  @Test
  void neverNamesAJavaType() {
    for (String body :
        new String[] {
          "{\"task\":\"echo\",\"inputs\":5}",
          "{\"task\":\"echo\",\"params\":\"x\"}",
          "{\"task\":\"echo\"} x",
          "{\"task\":\"echo\",",
          "{\"task\":\"echo\"}}",
          "[",
          "nul",
          "{\"task\":\"echo\",\"stream\":\"yes\"}",
          "{\"task\":\"echo\",\"batch\":1e400}",
          "{\"task\":\"echo\",\"taskTimeout\":5}"
        }) {
      assertThat(refusal(body))
          .as(body)
          .doesNotContain("java", "cohort.", "`", "Cannot deserialize", "JsonNode", "Source");
    }
  }
}
