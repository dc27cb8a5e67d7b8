package cohort.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.Result;
import cohort.api.TaskError;
import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecTest {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final ObjectMapper mapper = JsonMapper.builder().findAndAddModules().build();

  /** A task with a generic output type. */
  public static final class Longs implements Task<String, NoParams, List<Long>> {
    @Override
    public String name() {
      return "longs";
    }

    @Override
    public String description() {
      return "longs";
    }

    @Override
    public Class<String> inputType() {
      return String.class;
    }

    @Override
    public Class<NoParams> paramsType() {
      return NoParams.class;
    }

    @Override
    public List<Long> run(String input, NoParams params, TaskContext context) {
      return List.of();
    }
  }

  /** A base that fixes the input and leaves the output type to its subclasses. */
  public abstract static class Base<O> implements Task<String, NoParams, O> {
    @Override
    public String name() {
      return "base";
    }

    @Override
    public String description() {
      return "base";
    }

    @Override
    public Class<String> inputType() {
      return String.class;
    }

    @Override
    public Class<NoParams> paramsType() {
      return NoParams.class;
    }
  }

  /** A task whose output type is given through its superclass. */
  public static final class Counts extends Base<Map<String, Long>> {
    @Override
    public Map<String, Long> run(String input, NoParams params, TaskContext context) {
      return Map.of();
    }
  }

  private record Point(int x, int y) {}

  /** Tests that a Task<String, NoParams, List<Long>> decodes [1,2] as a list of Longs. */
  @Test
  void resolvesGenericOutputType() {
    Codec<String, List<Long>> codec = Codec.of(new Longs(), mapper);
    Outcome<List<Long>> outcome =
        codec.outcome(Result.ok(4, JSON.textNode("in"), JSON.arrayNode().add(1).add(2)));

    assertThat(outcome.ok()).isTrue();
    assertThat(outcome.index()).isEqualTo(4);
    List<Long> value = outcome.get();
    assertThat(value).containsExactly(1L, 2L);
    Object first = value.get(0);
    assertThat(first).isInstanceOf(Long.class);
  }

  /** Tests that an output type bound in a superclass is found too. */
  @Test
  void resolvesOutputTypeThroughSuperclass() {
    Codec<String, Map<String, Long>> codec = Codec.of(new Counts(), mapper);
    Outcome<Map<String, Long>> outcome =
        codec.outcome(Result.ok(0, JSON.textNode("in"), JSON.objectNode().put("a", 3)));

    Object three = outcome.get().get("a");
    assertThat(three).isInstanceOf(Long.class).isEqualTo(3L);
  }

  /** Tests that a result without output decodes as null. */
  @Test
  void missingOutputIsNull() {
    Codec<String, List<Long>> codec = Codec.of(new Longs(), mapper);
    Outcome<List<Long>> outcome = codec.outcome(Result.ok(1, JSON.textNode("in"), null));
    assertThat(outcome.ok()).isTrue();
    assertThat(outcome.get()).isNull();
  }

  /** Tests that an error result becomes an outcome whose get() throws the remote failure. */
  @Test
  void errorResultThrowsOnGet() {
    Codec<String, List<Long>> codec = Codec.of(new Longs(), mapper);
    TaskError error =
        new TaskError("java.lang.IllegalStateException", "boom", "node-2", 2, "at X.run(X.java:1)");
    Outcome<List<Long>> outcome = codec.outcome(Result.failed(5, JSON.textNode("in"), error));

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.index()).isEqualTo(5);
    assertThat(outcome.value()).isNull();
    assertThatThrownBy(outcome::get)
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.index()).isEqualTo(5);
              assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException");
              assertThat(e.remoteMessage()).isEqualTo("boom");
              assertThat(e.node()).isEqualTo("node-2");
              assertThat(e.error()).isEqualTo(error);
            })
        .isSameAs(outcome.error());
  }

  /** Tests that an output that does not read as the output type gives a cohort.OutputError. */
  @Test
  void unreadableOutputIsAnOutputError() {
    Codec<String, List<Long>> codec = Codec.of(new Longs(), mapper);
    Outcome<List<Long>> outcome =
        codec.outcome(Result.ok(2, JSON.textNode("in"), JSON.textNode("twelve")));

    assertThat(outcome.ok()).isFalse();
    TaskFailedException e = outcome.error();
    assertThat(e.index()).isEqualTo(2);
    assertThat(e.remoteType()).isEqualTo("cohort.OutputError");
    assertThat(e.node()).isNull();
    assertThat(e.remoteMessage())
        .startsWith("the output \"twelve\" does not read as java.util.List<java.lang.Long>: ");
    assertThatThrownBy(outcome::get).isSameAs(e);
  }

  /** Tests that a long unreadable output is shortened to 80 characters in the message. */
  @Test
  void longUnreadableOutputIsAbbreviated() {
    Codec<String, List<Long>> codec = Codec.of(new Longs(), mapper);
    String text = "x".repeat(200);
    Outcome<List<Long>> outcome = codec.outcome(Result.ok(0, null, JSON.textNode(text)));

    String shown = "\"" + "x".repeat(76) + "...";
    assertThat(outcome.error().remoteMessage())
        .startsWith("the output " + shown + " does not read as ")
        .doesNotContain("x".repeat(77));
  }

  /** Tests that inputs are written as JSON and null as a JSON null. */
  @Test
  void writesInputsAsJson() {
    Codec<String, List<Long>> codec = Codec.of(new Longs(), mapper);
    JsonNode point = codec.input(new Point(1, 2), 0);
    assertThat(point).isEqualTo(JSON.objectNode().put("x", 1).put("y", 2));
    assertThat(codec.input("s", 1)).isEqualTo(JSON.textNode("s"));
    assertThat(codec.input(null, 2)).isSameAs(NullNode.getInstance());
  }

  /** Tests that an input Jackson cannot write is refused naming its index and the task. */
  @Test
  void refusesInputsThatAreNotJson() {
    Codec<String, List<Long>> codec = Codec.of(new Longs(), mapper);
    assertThatThrownBy(() -> codec.input(new Object(), 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("input 9 of task 'longs' cannot be sent as JSON: ");
  }
}
