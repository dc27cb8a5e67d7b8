package cohort.node;

import cohort.api.ParamInfo;
import cohort.api.TaskInfo;
import cohort.node.tasks.exec.ExecParams;
import cohort.node.tasks.exec.ExecTask;
import cohort.protocol.TaskSpec;
import cohort.task.Task;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The tasks a node can run, found with {@link ServiceLoader}, and the binding of a job's task name
 * and parameters to one of them.
 */
public final class TaskRegistry {

  /** Why a task that runs commands is off, and how to turn it on. */
  static final String EXEC_DISABLED =
      "this node does not run commands: start it with --allow-exec (or COHORT_ALLOW_EXEC=true) to"
          + " let jobs run commands on it, as the user the node runs as";

  private final Map<String, Task<?, ?, ?>> tasks;
  private final ExecAllowance allowExec;
  private final ObjectMapper mapper;

  private TaskRegistry(Map<String, Task<?, ?, ?>> tasks, ExecAllowance allowExec) {
    this.tasks = tasks;
    this.allowExec = allowExec;
    this.mapper =
        JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
  }

  /**
   * Finds every task on the class path of {@code loader}.
   *
   * @param allowExec which commands tasks that run them ({@link Task#needsAllowExec()}) may run
   * @throws IllegalStateException when two tasks share a name or a task cannot be loaded, naming
   *     the classes involved
   */
  public static TaskRegistry load(ClassLoader loader, ExecAllowance allowExec) {
    Map<String, Task<?, ?, ?>> found = new TreeMap<>();
    ServiceLoader<Task> services = ServiceLoader.load(Task.class, loader);
    try {
      for (Task<?, ?, ?> task : services) {
        add(found, task);
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("cannot load a task: " + e.getMessage(), e);
    }
    return new TaskRegistry(found, allowExec);
  }

  /** A registry of exactly these tasks, commands allowed; for tests and embedding. */
  public static TaskRegistry of(Collection<? extends Task<?, ?, ?>> tasks) {
    Map<String, Task<?, ?, ?>> found = new TreeMap<>();
    tasks.forEach(task -> add(found, task));
    return new TaskRegistry(found, ExecAllowance.ANY);
  }

  private static void add(Map<String, Task<?, ?, ?>> found, Task<?, ?, ?> task) {
    String name = task.name();
    if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalStateException(
          "task class "
              + task.getClass().getName()
              + " has the name '"
              + name
              + "'; use lower-case letters, digits and dashes");
    }
    Task<?, ?, ?> previous = found.putIfAbsent(name, task);
    if (previous != null) {
      throw new IllegalStateException(
          "two tasks are named '"
              + name
              + "': "
              + previous.getClass().getName()
              + " and "
              + task.getClass().getName()
              + "; remove one of the jars or rename one task");
    }
  }

  /** The task names, sorted. */
  public List<String> names() {
    return List.copyOf(tasks.keySet());
  }

  /** Describes every task, sorted by name, with where its code comes from. */
  public List<TaskInfo> describe() {
    List<TaskInfo> infos = new ArrayList<>();
    for (Task<?, ?, ?> task : tasks.values()) {
      infos.add(describe(task, origin(task)));
    }
    return infos;
  }

  /** Describes a task as this node would run it: off when it runs commands this node does not. */
  public TaskInfo describe(Task<?, ?, ?> task, String origin) {
    return new TaskInfo(
        task.name(),
        task.description(),
        typeName(task.inputType()),
        describeParams(task.paramsType()),
        task.combiner(),
        disabledReason(task),
        origin);
  }

  /** {@code built-in} for Cohort's own tasks, {@code plugin FILE.jar} for a plugin's. */
  private static String origin(Task<?, ?, ?> task) {
    if (task.getClass().getClassLoader() == TaskRegistry.class.getClassLoader()) {
      return "built-in";
    }
    java.security.CodeSource source = task.getClass().getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return "plugin";
    }
    String path = source.getLocation().getPath();
    return "plugin " + path.substring(path.lastIndexOf('/', path.length() - 2) + 1);
  }

  private String disabledReason(Task<?, ?, ?> task) {
    if (!task.needsAllowExec() || allowExec.any()) {
      return null;
    }
    if (!allowExec.some()) {
      return EXEC_DISABLED;
    }
    return task instanceof ExecTask
        ? null
        : "it runs commands, and this node allows only the programs "
            + allowExec
            + " through the exec task (--allow-exec)";
  }

  /**
   * Binds a job's task and parameters.
   *
   * @throws IllegalArgumentException when the task is unknown (naming the known ones) or a
   *     parameter is unknown or malformed (naming it and what it accepts)
   */
  public BoundTask bind(TaskSpec spec) {
    Task<?, ?, ?> task = tasks.get(spec.name());
    if (task == null) {
      throw new IllegalArgumentException(
          "unknown task '" + spec.name() + "'; known tasks: " + String.join(", ", names()));
    }
    return bind(task, spec.params(), mapper, null);
  }

  /**
   * Binds a task whose code came with the job, with the mapper of its code.
   *
   * @param lease what loaded the code, told when its batches run
   * @throws IllegalArgumentException as {@link #bind(TaskSpec)}
   */
  public BoundTask bind(
      Task<?, ?, ?> task,
      Map<String, JsonNode> params,
      ObjectMapper mapper,
      BoundTask.Lease lease) {
    String disabled = disabledReason(task);
    if (disabled != null) {
      throw new IllegalArgumentException("task '" + task.name() + "' is off: " + disabled);
    }
    return bindParams(task, params, mapper, lease);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private BoundTask bindParams(
      Task task, Map<String, JsonNode> params, ObjectMapper mapper, BoundTask.Lease lease) {
    ObjectNode tree = mapper.createObjectNode();
    params.forEach(tree::set);
    Object bound;
    try {
      bound = mapper.treeToValue(tree, task.paramsType());
    } catch (UnrecognizedPropertyException e) {
      List<String> known = paramNames(task.paramsType());
      throw new IllegalArgumentException(
          "unknown parameter '"
              + e.getPropertyName()
              + "' for task '"
              + task.name()
              + "'; "
              + (known.isEmpty()
                  ? "it takes no parameters"
                  : "known parameters: " + String.join(", ", known)));
    } catch (MismatchedInputException e) {
      String param = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
      JsonNode given = param == null ? null : params.get(param);
      throw new IllegalArgumentException(
          "parameter '"
              + param
              + "' of task '"
              + task.name()
              + "' is "
              + given
              + ", not a valid "
              + typeName(e.getTargetType()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad parameters for task '" + task.name() + "': " + rootMessage(e));
    }
    try {
      task.validate(bound);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "bad parameters for task '" + task.name() + "': " + rootMessage(e));
    }
    if (bound instanceof ExecParams command) {
      allowExec
          .refusal(command)
          .ifPresent(
              why -> {
                throw new IllegalArgumentException("task '" + task.name() + "' is off: " + why);
              });
    }
    return lease == null
        ? new BoundTask(task, bound, mapper)
        : new BoundTask(task, bound, mapper, lease);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (message == null) {
      return root.getClass().getSimpleName();
    }
    // Jackson appends source locations and reference chains that mean nothing to a user.
    int cut = message.indexOf("\n at [Source");
    return cut >= 0 ? message.substring(0, cut) : message;
  }

  private static List<String> paramNames(Class<?> paramsType) {
    return describeParams(paramsType).stream().map(ParamInfo::name).collect(Collectors.toList());
  }

  private static List<ParamInfo> describeParams(Class<?> paramsType) {
    if (!paramsType.isRecord()) {
      return List.of();
    }
    List<ParamInfo> params = new ArrayList<>();
    for (RecordComponent component : paramsType.getRecordComponents()) {
      JsonPropertyDescription description =
          component.getAccessor().getAnnotation(JsonPropertyDescription.class);
      if (description == null) {
        try {
          description =
              paramsType
                  .getDeclaredField(component.getName())
                  .getAnnotation(JsonPropertyDescription.class);
        } catch (NoSuchFieldException e) {
          description = null;
        }
      }
      params.add(
          new ParamInfo(
              component.getName(),
              typeName(component.getType()),
              description == null ? null : description.value()));
    }
    return params;
  }

  /** A readable name for a Java type, as users know JSON values. */
  static String typeName(Class<?> type) {
    if (type == null) {
      return "value";
    }
    if (type == long.class
        || type == Long.class
        || type == int.class
        || type == Integer.class
        || type == short.class
        || type == Short.class
        || type == java.math.BigInteger.class) {
      return "integer";
    }
    if (type == double.class
        || type == Double.class
        || type == float.class
        || type == Float.class
        || type == java.math.BigDecimal.class) {
      return "number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "boolean";
    }
    if (type == String.class) {
      return "string";
    }
    if (JsonNode.class.isAssignableFrom(type)) {
      return "any JSON value";
    }
    if (type.isEnum()) {
      return "one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining("|"));
    }
    if (type.isRecord()) {
      return "object {"
          + java.util.Arrays.stream(type.getRecordComponents())
              .map(c -> c.getName() + ": " + typeName(c.getType()))
              .collect(Collectors.joining(", "))
          + "}";
    }
    return type.getSimpleName();
  }
}
