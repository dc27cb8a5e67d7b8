package cohort.api.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels of one node, each name at most once. Immutable.
 *
 * @param byName each label's value by its name, null for a bare name; sorted by name
 */
public record NodeLabels(Map<String, String> byName) {

  /** A node without labels. */
  public static final NodeLabels NONE = new NodeLabels(Map.of());

  public NodeLabels {
    byName = Collections.unmodifiableMap(new TreeMap<>(byName));
  }

  /**
   * Reads a node's labels as written ({@code gpu}, {@code zone=a}).
   *
   * @param what what the labels are, for error messages, such as {@code "--label"}
   * @throws IllegalArgumentException naming a label that is not valid, or a name given twice
   */
  public static NodeLabels parse(Collection<String> texts, String what) {
    if (texts == null || texts.isEmpty()) {
      return NONE;
    }
    Map<String, String> byName = new TreeMap<>();
    for (String text : texts) {
      Label label = Label.parse(text, what);
      if (byName.containsKey(label.name())) {
        String earlier = new Label(label.name(), byName.get(label.name())).toString();
        if (!earlier.equals(label.toString())) {
          throw new IllegalArgumentException(
              what
                  + " gives label '"
                  + label.name()
                  + "' twice ("
                  + earlier
                  + " and "
                  + label
                  + "); a node has one value per label name");
        }
      }
      byName.put(label.name(), label.value());
    }
    return new NodeLabels(byName);
  }

  /**
   * Reads labels separated by commas, as an environment variable gives them: {@code gpu,zone=a};
   * blank for none.
   */
  public static List<String> split(String text) {
    List<String> texts = new ArrayList<>();
    if (text == null) {
      return texts;
    }
    for (String one : text.split(",")) {
      if (!one.isBlank()) {
        texts.add(one.trim());
      }
    }
    return texts;
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /** The labels as written, sorted by name: {@code [gpu, zone=a]}. */
  public List<String> texts() {
    List<String> texts = new ArrayList<>(byName.size());
    byName.forEach((name, value) -> texts.add(new Label(name, value).toString()));
    return List.copyOf(texts);
  }

  /** The labels as written, separated by commas, or {@code "no labels"}. */
  @Override
  public String toString() {
    return isEmpty() ? "no labels" : String.join(",", texts());
  }
}
