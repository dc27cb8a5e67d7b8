package cohort.netlab.chaos;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How a chaos run goes.
 *
 * @param seconds how long faults are injected and new jobs start
 * @param nodes node hosts, one node of 2 slots each
 * @param parallel jobs running at once
 * @param seed the seed of every random choice
 * @param jar the shaded {@code cohort.jar} the members and the command line run from
 * @param dir a folder for the cluster's CA, data and logs
 * @param out where the results page goes, if anywhere
 */
record Settings(
    int seconds, int nodes, int parallel, long seed, String jar, Path dir, Optional<Path> out) {

  /** Reads {@code --seconds N --nodes N --parallel N --seed N --jar F --dir D --out F}. */
  static Settings parse(String[] args) {
    int seconds = 600;
    int nodes = 4;
    int parallel = 3;
    long seed = System.nanoTime();
    String jar = "cli/target/cohort.jar";
    Path dir = Path.of("netlab/target/chaos");
    Optional<Path> out = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i++]) {
        case "--seconds" -> seconds = positive("--seconds", value);
        case "--nodes" -> nodes = positive("--nodes", value);
        case "--parallel" -> parallel = positive("--parallel", value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--jar" -> jar = value;
        case "--dir" -> dir = Path.of(value);
        case "--out" -> out = Optional.of(Path.of(value));
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i - 1]
                    + "; known: --seconds, --nodes, --parallel, --seed, --jar, --dir, --out");
      }
    }
    if (nodes < 2) {
      throw new IllegalArgumentException("--nodes must be 2 or more, so that work can move");
    }
    return new Settings(seconds, nodes, parallel, seed, jar, dir, out);
  }

  private static int positive(String name, String value) {
    try {
      int number = Integer.parseInt(value);
      if (number > 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(name + " takes a whole number above 0, not '" + value + "'");
  }
}
