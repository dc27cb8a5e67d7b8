package cohort.node;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A node's plugin folder: every jar in it joins the class path the task registry searches, so a
 * user's task runs on the node without rebuilding Cohort.
 */
final class Plugins {

  private Plugins() {}

  /**
   * The class loader tasks are found with: Cohort's own, plus the jars in {@code folder}.
   *
   * @throws IllegalStateException when the folder cannot be listed
   */
  static ClassLoader classLoader(Optional<Path> folder) {
    ClassLoader cohort = Plugins.class.getClassLoader();
    if (folder.isEmpty()) {
      return cohort;
    }
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder.get())) {
      for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        jars.add(jar.toUri().toURL());
      }
    } catch (MalformedURLException e) {
      throw new IllegalStateException(
          "a plugin jar in " + folder.get() + " has a bad path: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot list the plugin folder " + folder.get() + ": " + e.getMessage(), e);
    }
    if (jars.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(Plugins.class)
          .warn(
              "the plugin folder {} holds no jars; only the built-in tasks are offered",
              folder.get());
      return cohort;
    }
    return new URLClassLoader("cohort-plugins", jars.toArray(URL[]::new), cohort);
  }
}
