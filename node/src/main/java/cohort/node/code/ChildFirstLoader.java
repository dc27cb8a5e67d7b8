package cohort.node.code;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Loads shipped jars with their own classes first, so a user's library versions do not clash with
 * Cohort's. Only what a task must share with the node comes from the node: the JDK, the task SPI
 * ({@code cohort.task}), and Jackson's annotations, which the node's Jackson reads on the task's
 * input and output types (a copy of them inside the jar would make its annotations invisible).
 */
final class ChildFirstLoader extends URLClassLoader {

  /** Packages always loaded from the node, never from the jars. */
  private static final List<String> SHARED =
      List.of(
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "com.sun.",
          "org.w3c.dom.",
          "org.xml.sax.",
          "cohort.task.",
          "com.fasterxml.jackson.annotation.");

  static {
    ClassLoader.registerAsParallelCapable();
  }

  ChildFirstLoader(String name, URL[] jars, ClassLoader parent) {
    super(name, jars, parent);
  }

  /** Whether the class comes from the node whatever the jars hold. */
  static boolean shared(String className) {
    for (String prefix : SHARED) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (shared(name)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> found = findLoadedClass(name);
      if (found == null) {
        try {
          found = findClass(name);
        } catch (ClassNotFoundException notInJars) {
          found = getParent().loadClass(name);
        }
      }
      if (resolve) {
        resolveClass(found);
      }
      return found;
    }
  }

  @Override
  public URL getResource(String name) {
    URL own = shared(name.replace('/', '.')) ? null : findResource(name);
    return own != null ? own : super.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
    Enumeration<URL> parents = getParent().getResources(name);
    while (parents.hasMoreElements()) {
      all.add(parents.nextElement());
    }
    return Collections.enumeration(all);
  }
}
