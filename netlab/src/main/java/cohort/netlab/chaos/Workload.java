package cohort.netlab.chaos;

import cohort.api.JobRequest;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The kinds of job the chaos run keeps running, each with what it must return. Jobs submitted
 * through the API are made here; the streamed kind goes through the {@code cohort} command line
 * ({@link StreamedJob}).
 */
enum Workload {
  /** {@code sleep} of 10 to 79 ms per input, summed. */
  SLEEP,
  /** {@code echo} of 1,000 to 5,000 numbers, summed. */
  ECHO_SUM,
  /**
   * {@code cohort submit sleep --input-file -}: numbers streamed on the command's stdin, summed.
   */
  STREAMED_STDIN,
  /** {@code exec} of {@code echo {}}: a program run per input, its output checked. */
  EXEC;

  /** A job request and what it must return. */
  record Job(JobRequest request, Expected expected) {}

  /** A random job of this kind, for the API. */
  Job job(Random random) {
    return switch (this) {
      case SLEEP -> {
        List<JsonNode> inputs = numbers(random, 40 + random.nextInt(160), 10, 70);
        yield new Job(
            JobRequest.of("sleep", inputs).withCombine("sum").withOrdered(false).withBatch(1),
            new Expected(inputs, Optional.of(sum(inputs))));
      }
      case ECHO_SUM -> {
        List<JsonNode> inputs = numbers(random, 1000 + random.nextInt(4000), 0, 1_000_000);
        yield new Job(
            JobRequest.of("echo", inputs).withCombine("sum"),
            new Expected(inputs, Optional.of(sum(inputs))));
      }
      case EXEC -> {
        List<JsonNode> inputs = new ArrayList<>();
        List<JsonNode> outputs = new ArrayList<>();
        for (int i = 0, n = 20 + random.nextInt(80); i < n; i++) {
          String word = "w" + random.nextInt(1_000_000);
          inputs.add(TextNode.valueOf(word));
          outputs.add(TextNode.valueOf(word + "\n"));
        }
        JsonNode command = JsonNodeFactory.instance.arrayNode().add("echo").add("{}");
        yield new Job(
            JobRequest.of("exec", inputs).withParams(Map.of("command", command)).withBatch(1),
            new Expected(outputs, Optional.empty()));
      }
      case STREAMED_STDIN -> throw new IllegalStateException("streamed jobs go through the CLI");
    };
  }

  /**
   * What the check compares for an output: exec's whole result holds its run time, so only its
   * standard output is compared.
   */
  JsonNode comparable(JsonNode output) {
    if (this == EXEC && output instanceof ObjectNode result) {
      return result.get("stdout");
    }
    return output;
  }

  static List<JsonNode> numbers(Random random, int count, int low, int high) {
    List<JsonNode> inputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      inputs.add(LongNode.valueOf(low + random.nextInt(high - low)));
    }
    return inputs;
  }

  static long sum(List<JsonNode> inputs) {
    return inputs.stream().mapToLong(JsonNode::longValue).sum();
  }

  /** A refusal's reason without the addresses and numbers that make each one different. */
  static String reason(String message) {
    String text = message == null ? "(no message)" : message.strip();
    int newline = text.indexOf('\n');
    if (newline > 0) {
      text = text.substring(0, newline);
    }
    return text.replaceAll("https?://[^ )]+", "URL").replaceAll("\\d+", "N");
  }

  /** Submits a job, retrying while the coordinator does not answer (it may be restarting). */
  static String submit(CohortClient client, JobRequest request, long deadlineNanos, Tally tally) {
    RuntimeException last = null;
    while (System.nanoTime() < deadlineNanos) {
      try {
        return client.submit(request).id();
      } catch (RuntimeException e) {
        last = e;
        tally.refused(reason(e.getMessage()));
        Pause.millis(500);
      }
    }
    throw new IllegalStateException("could not submit a job: " + last.getMessage(), last);
  }
}
