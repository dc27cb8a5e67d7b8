package cohort.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobRequest;
import cohort.api.code.CodeRef;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSettingsTest {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final ObjectMapper mapper = JsonMapper.builder().findAndAddModules().build();

  /** The task's parameters. */
  public record Scale(int factor, String unit) {}

  /** Some other parameters. */
  public record Other(int x) {}

  /** A task with parameters. */
  public static final class Scaled implements Task<Integer, Scale, Integer> {
    @Override
    public String name() {
      return "scaled";
    }

    @Override
    public String description() {
      return "scaled";
    }

    @Override
    public Class<Integer> inputType() {
      return Integer.class;
    }

    @Override
    public Class<Scale> paramsType() {
      return Scale.class;
    }

    @Override
    public Integer run(Integer input, Scale params, TaskContext context) {
      return input * params.factor();
    }
  }

  /** Tests that default options give a request with the task's name and nothing else. */
  @Test
  void defaultsSetOnlyTheTask() {
    JobRequest request = JobSettings.request(new Scaled(), Options.defaults(), null, mapper);
    assertThat(request)
        .isEqualTo(
            new JobRequest(
                "scaled", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null));
  }

  /** Tests that every option is mapped onto its JobRequest field, and the code is passed on. */
  @Test
  void mapsOptionsOntoFields() {
    CodeRef code = new CodeRef(List.of("a".repeat(64)), "cohort.pool.JobSettingsTest$Scaled");
    Options options =
        Options.defaults()
            .unordered()
            .combine("max")
            .batch(25)
            .retries(3)
            .maxAttempts(4)
            .taskTimeout(Duration.ofSeconds(90))
            .params(new Scale(3, "cm"));

    JobRequest request = JobSettings.request(new Scaled(), options, code, mapper);

    assertThat(request.task()).isEqualTo("scaled");
    assertThat(request.ordered()).isFalse();
    assertThat(request.combine()).isEqualTo("max");
    assertThat(request.batch()).isEqualTo(25);
    assertThat(request.retries()).isEqualTo(3);
    assertThat(request.maxAttempts()).isEqualTo(4);
    assertThat(request.taskTimeout()).isEqualTo("90000ms");
    assertThat(request.code()).isSameAs(code);
    assertThat(request.params())
        .containsExactly(
            java.util.Map.entry("factor", JSON.numberNode(3)),
            java.util.Map.entry("unit", JSON.textNode("cm")));
    assertThat(request.inputs()).isNull();
    assertThat(request.range()).isNull();
    assertThat(request.split()).isNull();
    assertThat(request.stream()).isNull();
  }

  /** Tests that the task timeout is written in whole milliseconds. */
  @Test
  void writesTimeoutInMilliseconds() {
    Options options = Options.defaults().taskTimeout(Duration.ofNanos(1_500_000));
    assertThat(JobSettings.request(new Scaled(), options, null, mapper).taskTimeout())
        .isEqualTo("1ms");
    Options minutes = Options.defaults().taskTimeout(Duration.ofMinutes(2));
    assertThat(JobSettings.request(new Scaled(), minutes, null, mapper).taskTimeout())
        .isEqualTo("120000ms");
  }

  /** Tests that params of the wrong type are refused naming both types and the task. */
  @Test
  void refusesParamsOfTheWrongType() {
    Options options = Options.defaults().params(new Other(1));
    assertThatThrownBy(() -> JobSettings.request(new Scaled(), options, null, mapper))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("params is a Other, but task 'scaled' takes Scale");
  }
}
