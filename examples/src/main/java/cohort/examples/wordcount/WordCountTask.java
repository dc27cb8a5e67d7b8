package cohort.examples.wordcount;

import cohort.task.FileRef;
import cohort.task.Task;
import cohort.task.TaskContext;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the words of a text file: a user task, built as a plugin jar outside Cohort.
 *
 * <p>Each input is a file (its bytes sent through the cluster, or a path on shared storage); each
 * output maps words to counts. Jobs combine the outputs by {@code sum}, which adds objects key by
 * key, so the job's combined value counts the words of every file:
 *
 * <pre>
 * cohort submit word-count --dir books --combine sum -q
 * </pre>
 */
public final class WordCountTask implements Task<FileRef, WordCountParams, Map<String, Long>> {

  @Override
  public String name() {
    return "word-count";
  }

  @Override
  public String description() {
    return "counts the words of a text file; jobs sum the counts of all files (example plugin)";
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Class<FileRef> inputType() {
    return FileRef.class;
  }

  @Override
  public Class<WordCountParams> paramsType() {
    return WordCountParams.class;
  }

  @Override
  public String combiner() {
    return "sum";
  }

  @Override
  public void validate(WordCountParams params) {
    if (params.minLength() < 1) {
      throw new IllegalArgumentException("minLength " + params.minLength() + " must be 1 or more");
    }
  }

  @Override
  public Map<String, Long> run(FileRef file, WordCountParams params, TaskContext context)
      throws Exception {
    String text = new String(context.read(file), StandardCharsets.UTF_8);
    Map<String, Long> counts = new TreeMap<>();
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
      if (word.length() >= params.minLength()) {
        counts.merge(word, 1L, Long::sum);
      }
    }
    return counts;
  }
}
