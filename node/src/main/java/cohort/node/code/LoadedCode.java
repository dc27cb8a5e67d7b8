package cohort.node.code;

import cohort.api.code.CodeRef;
import cohort.node.BoundTask;
import cohort.task.Task;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One set of shipped jars loaded on this node: their class loader, a Jackson mapper of their own
 * (so no cache of Cohort's holds their classes once they are closed), and their tasks. Tasks bound
 * from it hold it as their {@link BoundTask.Lease}: while a batch runs it is in use and is not
 * closed. Thread-safe.
 */
public final class LoadedCode implements BoundTask.Lease {

  private final List<String> jars;
  private final ChildFirstLoader loader;
  private final ObjectMapper mapper;
  private final Map<String, Task<?, ?, ?>> byClass = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private volatile Map<String, Task<?, ?, ?>> services;
  private final LongSupplier clock;
  private volatile long lastUsed;
  private volatile boolean closed;

  LoadedCode(List<String> jars, ChildFirstLoader loader, LongSupplier clock) {
    this.jars = jars;
    this.loader = loader;
    this.clock = clock;
    this.lastUsed = clock.getAsLong();
    this.mapper =
        JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .typeFactory(
                TypeFactory.defaultInstance()
                    .withCache(new LRUMap<>(16, 200))
                    .withClassLoader(loader))
            .build();
  }

  /** The digests of the jars, in class path order. */
  public List<String> jars() {
    return jars;
  }

  /** The mapper that converts this code's inputs, parameters and outputs. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * The job's task: the class {@code code} names, or the task called {@code name} among those the
   * jars list as services.
   *
   * @throws IllegalArgumentException saying what is missing or wrong, in the user's terms
   */
  public Task<?, ?, ?> task(CodeRef code, String name) {
    if (code.taskClass() == null) {
      Task<?, ?, ?> task = services().get(name);
      if (task == null) {
        throw new IllegalArgumentException(
            "the shipped jars offer no task named '"
                + name
                + "'"
                + (services().isEmpty()
                    ? "; they list none in META-INF/services/cohort.task.Task"
                    : "; they offer: " + String.join(", ", services().keySet())));
      }
      return task;
    }
    Task<?, ?, ?> task = byClass.computeIfAbsent(code.taskClass(), this::instantiate);
    if (!name.equals(task.name())) {
      throw new IllegalArgumentException(
          "class " + code.taskClass() + " is the task '" + task.name() + "', not '" + name + "'");
    }
    return task;
  }

  /** The tasks the jars list in {@code META-INF/services/cohort.task.Task}, by name. */
  public Map<String, Task<?, ?, ?>> services() {
    Map<String, Task<?, ?, ?>> found = services;
    if (found == null) {
      found = new TreeMap<>();
      try {
        for (ServiceLoader.Provider<Task> provider :
            ServiceLoader.load(Task.class, loader).stream().toList()) {
          if (provider.type().getClassLoader() == loader) {
            Task<?, ?, ?> task = provider.get();
            found.putIfAbsent(task.name(), task);
          }
        }
      } catch (ServiceConfigurationError e) {
        throw new IllegalArgumentException("a shipped task does not load: " + e.getMessage(), e);
      }
      services = found = Collections.unmodifiableMap(found);
    }
    return found;
  }

  private Task<?, ?, ?> instantiate(String className) {
    Class<?> type;
    try {
      type = Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          "the shipped jars hold no class " + className + " that loads: " + e, e);
    }
    if (!Task.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(
          "class " + className + " does not implement cohort.task.Task");
    }
    try {
      return (Task<?, ?, ?>) type.getDeclaredConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          "task class " + className + " needs a public constructor without arguments");
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "the constructor of task class " + className + " threw " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalArgumentException("task class " + className + " cannot be made: " + e, e);
    }
  }

  @Override
  public void begin() {
    running.incrementAndGet();
  }

  @Override
  public void end() {
    lastUsed = clock.getAsLong();
    running.decrementAndGet();
  }

  /** Marks a use now, such as a bind. */
  void touch() {
    lastUsed = clock.getAsLong();
  }

  /** Whether no batch runs its code now and none has since {@code before}. */
  boolean idleSince(long before) {
    return running.get() == 0 && lastUsed - before <= 0;
  }

  long lastUsed() {
    return lastUsed;
  }

  @Override
  public boolean closed() {
    return closed;
  }

  /** Closes the class loader: its classes go once nothing else holds them. */
  void close() throws IOException {
    closed = true;
    byClass.clear();
    services = Map.of();
    loader.close();
  }
}
