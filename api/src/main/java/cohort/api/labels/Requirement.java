package cohort.api.labels;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The labels a job requires of the nodes that run its inputs ({@code --require}): a node must meet
 * every one of them ({@link Label#metBy}). Immutable; written as the list of labels, sorted.
 */
public final class Requirement {

  /** No requirement: every node that offers the task may run the job. */
  public static final Requirement NONE = new Requirement(List.of());

  private final List<Label> labels;
  private final String key;

  private Requirement(List<Label> labels) {
    this.labels = List.copyOf(labels);
    this.key = String.join(",", texts());
  }

  /**
   * Reads the labels a job requires, as written ({@code gpu}, {@code zone=a}); a label given twice
   * counts once.
   *
   * @param what what the labels are, for error messages, such as {@code "'require'"}
   * @throws IllegalArgumentException naming a label that is not valid, or two values required of
   *     one name
   */
  public static Requirement parse(Collection<String> texts, String what) {
    if (texts == null || texts.isEmpty()) {
      return NONE;
    }
    TreeMap<String, Label> byText = new TreeMap<>();
    TreeMap<String, Label> valued = new TreeMap<>();
    for (String text : texts) {
      Label label = Label.parse(text, what);
      if (label.value() != null) {
        Label other = valued.put(label.name(), label);
        if (other != null && !other.equals(label)) {
          throw new IllegalArgumentException(
              what
                  + " requires both "
                  + other
                  + " and "
                  + label
                  + "; no node has two values for '"
                  + label.name()
                  + "': keep one");
        }
      }
      byText.put(label.toString(), label);
    }
    return new Requirement(new ArrayList<>(byText.values()));
  }

  /**
   * The requirement as it is journaled and sent: its labels as written. Delegating, so that a
   * mapper that reads parameter names does not take the list for a property.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Requirement of(List<String> texts) {
    return parse(texts, "the required labels");
  }

  /** The labels as written, sorted: {@code [gpu, zone=a]}. */
  @JsonValue
  public List<String> texts() {
    return labels.stream().map(Label::toString).toList();
  }

  public List<Label> labels() {
    return labels;
  }

  public boolean isEmpty() {
    return labels.isEmpty();
  }

  /** Whether a node with these labels meets every required one. */
  public boolean metBy(NodeLabels node) {
    for (Label label : labels) {
      if (!label.metBy(node.byName())) {
        return false;
      }
    }
    return true;
  }

  /** The required labels a node with these labels lacks. */
  public List<Label> missingFrom(NodeLabels node) {
    return labels.stream().filter(label -> !label.metBy(node.byName())).toList();
  }

  /** The labels separated by commas, the same for equal requirements: a key for caches. */
  public String key() {
    return key;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Requirement r && r.key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  /** The labels separated by commas and a space, as messages name them. */
  @Override
  public String toString() {
    return String.join(", ", texts());
  }
}
