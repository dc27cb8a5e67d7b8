package cohort.coordinator.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The check of a streamed job's first inputs, which arrive after the job was accepted: each part of
 * the upload is checked before it goes in, until one of the first {@link InputSamples#MAX} inputs
 * fits the task or none of them did.
 *
 * <p>A part whose inputs all fail to fit, with fewer than {@link InputSamples#MAX} checked so far,
 * is held back until a later part settles the matter, so nothing of a job that is then refused has
 * run; a producer that trickles lines in waits only while every line so far was wrong. When the
 * upload ends first, what it sent decides: if none of it fits, the job is refused.
 *
 * <p>Used by one upload's stream, one part at a time; not thread-safe.
 */
public final class StreamSamples {

  /** What to do with the inputs of the upload so far. */
  public sealed interface Step {}

  /** Let these inputs in: those held back, then the part. */
  public record Admit(List<JsonNode> inputs) implements Step {}

  /** Hold the part back: every input checked so far failed, and more are to come. */
  public record Hold() implements Step {}

  /** Refuse the job: none of its first inputs fits. */
  public record Refuse(String error) implements Step {}

  /** Inputs held back, in order; the first {@link #checked} of them were checked. */
  private final List<JsonNode> held = new ArrayList<>();

  private int checked;
  private boolean settled;
  private String firstMisfit;

  /**
   * The inputs to check before the part goes in: those held back and not checked yet, then the
   * part's, within a check's limits; empty once the matter is settled.
   */
  public List<JsonNode> toCheck(List<JsonNode> part) {
    if (settled) {
      return List.of();
    }
    List<JsonNode> candidates = new ArrayList<>(held.subList(checked, held.size()));
    candidates.addAll(part);
    return InputSamples.within(candidates, InputSamples.MAX - checked);
  }

  /**
   * The inputs {@link #toCheck} gave were checked.
   *
   * @param sampled how many were checked: {@code toCheck(part).size()}
   * @param misfit null when one of them fits (or none was checked), otherwise the node's word on
   *     the first
   */
  public Step checked(List<JsonNode> part, int sampled, String misfit) {
    if (misfit == null) {
      settled = true;
      List<JsonNode> admit = new ArrayList<>(held);
      admit.addAll(part);
      held.clear();
      return new Admit(admit);
    }
    firstMisfit = firstMisfit == null ? misfit : firstMisfit;
    checked += sampled;
    held.addAll(part);
    return checked >= InputSamples.MAX ? refuse() : new Hold();
  }

  /** No node could check the inputs now: let them in unchecked from here on. */
  public Step unchecked(List<JsonNode> part) {
    return checked(part, 0, null);
  }

  /**
   * The upload ended. If every input it sent was checked and none fits, the job is refused;
   * otherwise what was held back goes in (inputs too large to check with the first go in unchecked,
   * and fail alone if they do not fit).
   */
  public Step ended() {
    if (!settled && checked > 0 && checked == held.size()) {
      return refuse();
    }
    return checked(List.of(), 0, null);
  }

  private Refuse refuse() {
    return new Refuse(InputSamples.refusal(firstMisfit, checked, ""));
  }
}
