package cohort.coordinator.http;

import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.InputsAccepted;
import cohort.coordinator.ClientRequests.InputsChecked;
import cohort.coordinator.ClientRequests.InputsMisfit;
import cohort.coordinator.ClientRequests.InputsReply;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.job.StreamSamples;
import cohort.coordinator.job.StreamSamples.Step;
import cohort.protocol.Payloads;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.scaladsl.Framing.FramingException;
import org.apache.pekko.util.ByteString;

/**
 * The route that streams a job's inputs in ({@code POST /jobs/{id}/inputs}); the files are {@link
 * BlobRoutes}'.
 */
final class InputRoutes extends AllDirectives {

  /**
   * Longest input line read: a value at the size limit, written out as JSON text, may take more
   * bytes than its estimate. A longer line is refused as too large without reading it whole.
   */
  private static final int MAX_INPUT_LINE = 4 * Payloads.MAX_VALUE_BYTES;

  /**
   * Inputs handed to the coordinator at once, and how long a partial group may wait. Each group is
   * written to the job's input file and synced, then journaled, before it goes in: with groups of
   * 1000 that sync bound a streamed job of tiny inputs to about 120,000 inputs/s on this machine's
   * disk; groups of 16,384 (about a megabyte of inputs in memory) let it run at 340,000.
   */
  private static final int INPUT_CHUNK = 16_384;

  private static final Duration INPUT_CHUNK_WAIT = Duration.ofMillis(20);

  private final Asks asks;
  private final ObjectMapper json;
  private final Responses responses;

  InputRoutes(Asks asks, ObjectMapper json, Responses responses) {
    this.asks = asks;
    this.json = json;
    this.responses = responses;
  }

  /**
   * Streams a job's inputs in: newline-delimited JSON, parsed as it arrives and admitted as the job
   * has room, so a slow cluster slows the upload down through TCP. The first inputs are checked
   * against the job's task before they go in ({@link StreamSamples}). Answers once the body ended
   * and every input was admitted; a malformed line, first inputs none of which fits the task, or a
   * broken upload cancel the job.
   */
  Route inputs(String id) {
    return extractRequestEntity(
        entity -> {
          long[] lines = new long[1];
          StreamSamples samples = new StreamSamples();
          CompletionStage<HttpResponse> done =
              entity
                  .getDataBytes()
                  .via(
                      Framing.delimiter(
                          ByteString.fromString("\n"), MAX_INPUT_LINE, FramingTruncation.ALLOW))
                  // Every line before went through the count below: the one too long is the next.
                  .mapError(
                      FramingException.class,
                      tooLong ->
                          new IllegalArgumentException(
                              Payloads.inputTooLarge("input line " + (lines[0] + 1))))
                  .map(line -> parseInput(line, ++lines[0]))
                  .filter(Optional::isPresent)
                  .map(Optional::get)
                  .groupedWithin(INPUT_CHUNK, INPUT_CHUNK_WAIT)
                  .mapAsync(
                      1, part -> checked(id, samples, part).thenCompose(step -> add(id, step)))
                  .runWith(Sink.ignore(), asks.system())
                  .thenCompose(ignored -> add(id, samples.ended()))
                  .thenCompose(
                      ignored ->
                          admitted(
                              asks.ask(
                                  (ActorRef<InputsReply> replyTo) ->
                                      new ClientRequests.CloseInputs(id, replyTo))))
                  .handle((total, failure) -> inputsDone(id, total, failure));
          return completeWithFuture(done);
        });
  }

  /** Checks the part's first inputs with the job's task, while the upload's inputs need that. */
  private CompletionStage<Step> checked(String id, StreamSamples samples, List<JsonNode> part) {
    List<JsonNode> toCheck = samples.toCheck(part);
    if (toCheck.isEmpty()) {
      return CompletableFuture.completedFuture(samples.checked(part, 0, null));
    }
    return asks.ask(
            (ActorRef<InputsChecked> replyTo) ->
                new ClientRequests.CheckInputs(id, toCheck, replyTo))
        .thenApply(
            answer -> {
              if (answer instanceof InputsMisfit misfit) {
                return samples.checked(part, toCheck.size(), misfit.error());
              }
              if (answer instanceof Refused refused) {
                return switch (refused.why()) {
                  case UNAVAILABLE -> samples.unchecked(part);
                  case INVALID -> new StreamSamples.Refuse(refused.error());
                  case UNKNOWN_JOB, NO_MORE_INPUTS, TOO_MANY_INPUTS, BUSY ->
                      throw new RefusedException(refused);
                };
              }
              return samples.checked(part, toCheck.size(), null);
            });
  }

  /** Lets inputs in as the job has room, or refuses the job: its first inputs do not fit. */
  private CompletionStage<Long> add(String id, Step step) {
    if (step instanceof StreamSamples.Refuse refuse) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(refuse.error()));
    }
    if (step instanceof StreamSamples.Admit admit && !admit.inputs().isEmpty()) {
      return admitted(
          asks.askPatiently(
              (ActorRef<InputsReply> replyTo) ->
                  new ClientRequests.AddInputs(id, admit.inputs(), replyTo)));
    }
    return CompletableFuture.completedFuture(0L);
  }

  private HttpResponse inputsDone(String id, Long total, Throwable failure) {
    if (failure == null) {
      return responses.ok(StatusCodes.OK, Map.of("job", id, "inputs", total));
    }
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof RefusedException refused) {
      return responses.refused(refused.refused);
    }
    String reason =
        cause instanceof IllegalArgumentException
            ? cause.getMessage()
            : "the input stream broke: " + cause.getMessage();
    asks.tell(new ClientRequests.AbortInputs(id, reason));
    return responses.error(StatusCodes.BAD_REQUEST, reason + "; the job is cancelled");
  }

  private Optional<JsonNode> parseInput(ByteString line, long number) {
    if (line.isEmpty()) {
      return Optional.empty();
    }
    JsonNode input;
    try {
      input = json.readTree(line.toArray());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "input line " + number + " is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "input line " + number + " cannot be read: " + e.getMessage());
    }
    Payloads.requireInputSize(input, "input line " + number);
    return Optional.of(input);
  }

  private static CompletionStage<Long> admitted(CompletionStage<InputsReply> reply) {
    return reply.thenApply(
        answer -> {
          if (answer instanceof InputsAccepted accepted) {
            return accepted.total();
          }
          throw new RefusedException((Refused) answer);
        });
  }

  /** The coordinator refused inputs; carries the refusal to the response. */
  private static final class RefusedException extends RuntimeException {
    final transient Refused refused;

    RefusedException(Refused refused) {
      super(refused.error(), null, false, false);
      this.refused = refused;
    }
  }
}
