package cohort.examples.pool;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Counts the words of one line of text. Not installed on any node: {@link TopWords} ships it. */
public final class CountWords implements Task<String, NoParams, Map<String, Long>> {

  @Override
  public String name() {
    return "count-words";
  }

  @Override
  public String description() {
    return "counts the words of a line of text (the example program's task)";
  }

  @Override
  public Class<String> inputType() {
    return String.class;
  }

  @Override
  public Class<NoParams> paramsType() {
    return NoParams.class;
  }

  @Override
  public Map<String, Long> run(String line, NoParams params, TaskContext context) {
    Map<String, Long> counts = new TreeMap<>();
    for (String word : words(line)) {
      counts.merge(word, 1L, Long::sum);
    }
    return counts;
  }

  /** The words of a line, lower case: runs of letters, digits and apostrophes. */
  public static String[] words(String line) {
    String[] words = line.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+");
    return java.util.Arrays.stream(words).filter(word -> !word.isEmpty()).toArray(String[]::new);
  }
}
