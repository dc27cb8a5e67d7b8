package cohort.node;

import cohort.node.setup.Preparation;
import cohort.protocol.ValuesCodec;
import cohort.task.NodeSetup;
import cohort.task.SetupContext;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import java.util.Map;

/** A task with a job's parameters bound: converts inputs, runs, converts outputs. */
public final class BoundTask {

  /**
   * What a task's code is loaded by, when it can be unloaded: told when a batch begins and ends, so
   * it is not closed under a running batch.
   */
  public interface Lease {
    /** A batch of the task begins. */
    void begin();

    /** A batch of the task ended. */
    void end();

    /** Whether the code was closed: the task must be bound again before it runs. */
    boolean closed();
  }

  private static final Lease INSTALLED =
      new Lease() {
        @Override
        public void begin() {}

        @Override
        public void end() {}

        @Override
        public boolean closed() {
          return false;
        }
      };

  private final Task<Object, Object, Object> task;
  private final Object params;
  private final ObjectMapper mapper;
  private final boolean jsonInput;
  private final Lease lease;

  BoundTask(Task<?, ?, ?> task, Object params, ObjectMapper mapper) {
    this(task, params, mapper, INSTALLED);
  }

  @SuppressWarnings("unchecked")
  BoundTask(Task<?, ?, ?> task, Object params, ObjectMapper mapper, Lease lease) {
    this.task = (Task<Object, Object, Object>) task;
    this.params = params;
    this.mapper = mapper;
    this.jsonInput = JsonNode.class.equals(task.inputType());
    this.lease = lease;
  }

  /** What loaded the task's code; tells it when batches run. */
  Lease lease() {
    return lease;
  }

  /** The task's name. */
  public String name() {
    return task.name();
  }

  /**
   * Converts an input to the task's input type.
   *
   * @throws IllegalArgumentException saying what the input is and what the task takes
   */
  public Object convertInput(JsonNode input) {
    if (jsonInput) {
      return input;
    }
    Object plain = plain(input);
    if (plain != null) {
      return plain;
    }
    try {
      Object value = mapper.treeToValue(input, task.inputType());
      if (value == null) {
        throw new IllegalArgumentException("null");
      }
      return value;
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "task '"
              + task.name()
              + "' takes "
              + TaskRegistry.typeName(task.inputType())
              + " inputs, not "
              + abbreviate(String.valueOf(input)));
    }
  }

  /**
   * The input as the task's input type when that is a plain type and the input already is one,
   * without a mapper's conversion; null otherwise, and the mapper converts it.
   */
  private Object plain(JsonNode input) {
    Class<?> type = task.inputType();
    if (type == Long.class && input.isIntegralNumber() && input.canConvertToLong()) {
      return input.longValue();
    }
    if (type == Integer.class && input.isIntegralNumber() && input.canConvertToInt()) {
      return input.intValue();
    }
    if (type == String.class && input.isTextual()) {
      return input.textValue();
    }
    return null;
  }

  /**
   * Runs the task on a converted input and returns its output as the task gave it: {@link #encode}
   * writes it for the coordinator.
   */
  public Object call(Object input, TaskContext context) throws Exception {
    return task.run(input, params, context);
  }

  /**
   * Whether a job's first inputs fit the task: null when one of them converts to its input type (or
   * there are none), otherwise why the first does not. One input that does not convert among others
   * that do fails alone when it runs; inputs of which none converts mean the job is wrong as a
   * whole.
   */
  public String misfit(List<JsonNode> samples) {
    String first = null;
    for (JsonNode sample : samples) {
      try {
        convertInput(sample);
        return null;
      } catch (IllegalArgumentException e) {
        first = first == null ? e.getMessage() : first;
      }
    }
    return first;
  }

  /**
   * What a job of this task needs on the node before its first input: its broadcasts, and the
   * task's per-node setup when it implements {@link NodeSetup}.
   */
  Preparation preparation(Map<String, String> broadcasts) {
    BoundTask bound = this;
    return new Preparation() {
      @Override
      public String task() {
        return task.name();
      }

      @Override
      public Map<String, String> broadcasts() {
        return broadcasts;
      }

      @Override
      public boolean hasSetup() {
        return bound.hasSetup();
      }

      @Override
      @SuppressWarnings("unchecked")
      public Object setup(SetupContext context) throws Exception {
        return ((NodeSetup<Object, Object>) task).setup(params, context);
      }

      @Override
      @SuppressWarnings("unchecked")
      public void teardown(Object state) throws Exception {
        ((NodeSetup<Object, Object>) task).teardown(state);
      }

      @Override
      public void hold() {
        lease.begin(); // the task's classes stay loaded while its setup's state lives
      }

      @Override
      public void release() {
        lease.end();
      }
    };
  }

  /** Whether the task has a per-node setup. */
  boolean hasSetup() {
    return task instanceof NodeSetup;
  }

  /** Runs the task on a converted input and returns its output as JSON. */
  public JsonNode run(Object input, TaskContext context) throws Exception {
    Object output = call(input, context);
    if (output == null) {
      return NullNode.getInstance();
    }
    if (output instanceof JsonNode node) {
      return node;
    }
    return mapper.valueToTree(output);
  }

  /**
   * Appends an output of {@link #call} to a batch's outputs, as the mapper writes it.
   *
   * @return its encoded size in bytes
   */
  int encode(Object output, ValuesCodec.Builder outputs) {
    return outputs.add(output, mapper);
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
