package cohort.cli.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cohort's settings as {@code conf/} gives them to a process with a given environment and nothing
 * else: the role's file ({@code coordinator.conf}, {@code node.conf}, else {@code cohort.conf})
 * resolved against that environment only, never the environment of the JVM running the test.
 */
final class CohortConf {

  private static final Pattern VARIABLE = Pattern.compile("COHORT_[A-Z0-9_]+");

  final Path root;

  private CohortConf(Path root) {
    this.root = root;
  }

  /** The repository: the first folder up from the working directory with conf/cohort.conf. */
  static CohortConf find() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("conf/cohort.conf"))) {
        return new CohortConf(dir);
      }
    }
    throw new IllegalStateException(
        "no conf/cohort.conf above " + Path.of("").toAbsolutePath() + ": run from the repository");
  }

  /** The settings a process running {@code cohort SUBCOMMAND} reads with {@code env}. */
  Config settings(String subcommand, Map<String, String> env) {
    String file =
        switch (subcommand) {
          case "coordinator" -> "coordinator.conf";
          case "node" -> "node.conf";
          default -> "cohort.conf";
        };
    Config conf =
        ConfigFactory.parseFile(
            root.resolve("conf").resolve(file).toFile(),
            ConfigParseOptions.defaults().setAllowMissing(false));
    return conf.withFallback(ConfigFactory.parseMap(env))
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }

  /** The settings the environment variable {@code name} sets in that role; empty for none. */
  List<String> settingsOf(String subcommand, String name) {
    String marker = "<set by " + name + ">";
    return settings(subcommand, Map.of(name, marker)).entrySet().stream()
        .filter(e -> !e.getKey().equals(name) && marker.equals(e.getValue().unwrapped()))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** The COHORT_ variables that bin/cohort and conf/logback.xml read: not settings, but known. */
  Set<String> launcherVariables() {
    Set<String> names = new TreeSet<>();
    for (String file : List.of("bin/cohort", "conf/logback.xml")) {
      Matcher matcher = VARIABLE.matcher(read(file));
      while (matcher.find()) {
        names.add(matcher.group());
      }
    }
    return names;
  }

  /** A file of the repository, as text. */
  String read(String relative) {
    try {
      return Files.readString(root.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relative + ": " + e.getMessage(), e);
    }
  }
}
