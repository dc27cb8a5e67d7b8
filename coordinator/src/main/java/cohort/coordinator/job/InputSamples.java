package cohort.coordinator.job;

import cohort.protocol.Payloads;
import cohort.protocol.WorkerProtocol.CheckTask;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The first inputs of a job, which a node converts to the task's input type before the job runs,
 * and the refusal of a job none of whose first inputs converts.
 *
 * <p>One input that does not convert among others that do fails alone when it runs, as it always
 * has. But when none of the first inputs converts, the job is wrong as a whole (a sum-range over a
 * range without {@code split} would fail 10^8 times), so it is refused before anything runs.
 */
public final class InputSamples {

  /** Inputs checked at most: {@link CheckTask#MAX_SAMPLES}. */
  public static final int MAX = CheckTask.MAX_SAMPLES;

  /** Estimated bytes of the samples at most, so a check travels in one small message. */
  static final long MAX_BYTES = Payloads.TARGET_MESSAGE_BYTES;

  private InputSamples() {}

  /** The first inputs of a job whose inputs are known when it is submitted. */
  public static List<JsonNode> first(InputSource inputs) {
    List<JsonNode> first = new ArrayList<>();
    for (long i = 0; i < Math.min(MAX, inputs.size()); i++) {
      first.add(inputs.get(i));
    }
    return within(first, MAX);
  }

  /**
   * The first inputs of {@code inputs}, at most {@code max} of them and {@link #MAX_BYTES} in all,
   * but at least one when there is one: an input may be larger alone, and still travels.
   */
  public static List<JsonNode> within(List<JsonNode> inputs, int max) {
    List<JsonNode> samples = new ArrayList<>();
    long bytes = 0;
    for (JsonNode input : inputs) {
      bytes += Payloads.estimateBytes(input);
      if (samples.size() == max || (!samples.isEmpty() && bytes > MAX_BYTES)) {
        break;
      }
      samples.add(input);
    }
    return samples;
  }

  /**
   * Why a job is refused when none of its first inputs fits its task.
   *
   * @param misfit the node's word on the first input, such as {@code task 'sleep' takes integer
   *     inputs, not "abc"}
   * @param sampled how many of the first inputs were checked, none of which fits
   * @param hint what to try instead, from the job's input source ({@link InputSource#misfitHint});
   *     empty for none
   */
  public static String refusal(String misfit, int sampled, String hint) {
    return "the job's inputs do not fit its task: "
        + misfit
        + " (input 0"
        + (sampled > 1 ? ", and none of the first " + sampled + " inputs fits" : "")
        + ")"
        + hint;
  }
}
