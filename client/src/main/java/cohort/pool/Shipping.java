package cohort.pool;

import cohort.api.code.CodeRef;
import cohort.client.CodeApi;
import cohort.client.CodePackage;
import cohort.task.Task;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes a task's code travel: packs the code its class comes from (its jar, or its classes folder)
 * with the jars the caller names, uploads what the coordinator lacks, once per {@link Cohort}, and
 * names it in the job. Cohort's own tasks, and tasks the caller says are installed, travel as a
 * name only.
 */
final class Shipping {

  private final CodeApi code;
  private final Path scratch;
  private final Map<List<Object>, CodeRef> shipped = new ConcurrentHashMap<>();

  Shipping(CodeApi code, Path scratch) {
    this.code = code;
    this.scratch = scratch;
  }

  /**
   * The code a job of the task names, shipped if need be; null for a task the nodes have.
   *
   * @throws IllegalArgumentException when the task's class cannot be made on a node, saying why
   */
  CodeRef codeFor(Task<?, ?, ?> task, Options options) {
    Class<?> type = task.getClass();
    if (!options.ship() || type.getName().startsWith("cohort.node.tasks.")) {
      return null;
    }
    checkShippable(type);
    List<Object> key = new ArrayList<>();
    key.add(type.getProtectionDomain().getCodeSource().getLocation().toString());
    key.add(type.getName());
    key.addAll(options.jars());
    return shipped.computeIfAbsent(key, unused -> ship(type, options.jars()));
  }

  private CodeRef ship(Class<?> type, List<Path> jars) {
    List<CodePackage> packages = new ArrayList<>();
    packages.add(CodePackage.of(type, scratch));
    jars.forEach(jar -> packages.add(CodePackage.ofJar(jar)));
    return code.ship(packages, type.getName());
  }

  /** A node makes the task with its public constructor without arguments: it must have one. */
  static void checkShippable(Class<?> type) {
    String fix =
        "; a node makes the task from its class with a public constructor without arguments, so"
            + " declare it as a public top-level (or static nested) class";
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic() || type.isHidden()) {
      throw new IllegalArgumentException(
          "task " + type.getName() + " is an anonymous class or a lambda" + fix);
    }
    if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
      throw new IllegalArgumentException(
          "task "
              + type.getName()
              + " is an inner class of "
              + type.getEnclosingClass().getName()
              + fix);
    }
    if (!Modifier.isPublic(type.getModifiers())) {
      throw new IllegalArgumentException("task class " + type.getName() + " is not public" + fix);
    }
    try {
      if (!Modifier.isPublic(type.getConstructor().getModifiers())) {
        throw new NoSuchMethodException();
      }
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          "task class " + type.getName() + " has no public constructor without arguments" + fix);
    }
    if (type.getProtectionDomain().getCodeSource() == null
        || type.getProtectionDomain().getCodeSource().getLocation() == null) {
      throw new IllegalArgumentException(
          "task class " + type.getName() + " was made at run time and has no code on disk to ship");
    }
  }
}
