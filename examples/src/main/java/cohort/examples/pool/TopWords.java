package cohort.examples.pool;

import cohort.pool.Cohort;
import cohort.pool.Options;
import cohort.pool.Results;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The most frequent words of text files, counted on a Cohort cluster: the Java counterpart of a
 * Python program that feeds a file's lines to {@code pool.imap_unordered(count_words, lines)}.
 *
 * <pre>
 * java -cp cohort-examples.jar:cohort.jar cohort.examples.pool.TopWords [--top N] FILE...
 * </pre>
 *
 * <p>With {@code COHORT_COORDINATOR} set it uses that cluster (and the token the environment gives,
 * as the {@code cohort} command does); without, it starts one inside itself with a slot per core,
 * like {@code Pool()}. Lines are read lazily, as the cluster takes them, so files larger than
 * memory are fine. Prints one {@code COUNT WORD} line per word, most frequent first.
 */
public final class TopWords {

  private TopWords() {}

  public static void main(String[] args) {
    int top = 10;
    int first = 0;
    if (args.length >= 2 && args[0].equals("--top")) {
      top = Integer.parseInt(args[1]);
      first = 2;
    }
    if (args.length == first) {
      System.err.println("usage: TopWords [--top N] FILE...");
      System.exit(2);
    }
    Stream<String> lines =
        Stream.of(args)
            .skip(first)
            .map(Path::of)
            .flatMap(TopWords::lines)
            .filter(l -> !l.isBlank());
    String coordinator = System.getenv("COHORT_COORDINATOR");
    Map<String, Long> counts = new HashMap<>();
    try (Cohort cohort =
            coordinator == null || coordinator.isBlank()
                ? Cohort.local()
                : Cohort.connect(coordinator);
        Results<Map<String, Long>> results =
            cohort.imapUnordered(
                new CountWords(), lines.iterator(), Options.defaults().batch(64))) {
      results.forEachRemaining(line -> line.forEach((word, n) -> counts.merge(word, n, Long::sum)));
    }
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .forEach(entry -> System.out.println(entry.getValue() + " " + entry.getKey()));
  }

  private static Stream<String> lines(Path file) {
    try {
      return Files.lines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
