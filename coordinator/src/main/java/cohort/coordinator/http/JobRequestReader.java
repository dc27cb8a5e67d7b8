package cohort.coordinator.http;

import cohort.api.JobRequest;
import cohort.coordinator.job.JobRequests;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;

/**
 * Reads the body of {@code POST /jobs} into a {@link JobRequest}, and says in plain words what is
 * wrong with a body that is not one: the field, the value it has and what it takes, never the Java
 * types Jackson names.
 *
 * <p>A body that reads is parsed once, straight into the request; only a body that fails is read
 * again, as a JSON tree, to say what it holds.
 */
final class JobRequestReader {

  /** Longest quote of a wrong value in an error message. */
  private static final int QUOTE = 60;

  private final ObjectMapper json;

  /**
   * @param json the API's mapper ({@link cohort.api.ApiJson}), which refuses values of the wrong
   *     type instead of coercing them
   */
  JobRequestReader(ObjectMapper json) {
    this.json = json;
  }

  /**
   * The job request in the body.
   *
   * @throws IllegalArgumentException saying what is wrong with the body and how to fix it
   */
  JobRequest read(byte[] body) {
    if (body.length == 0) {
      throw new IllegalArgumentException(JobRequests.EMPTY_BODY);
    }
    try {
      return json.readValue(body, JobRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          "unknown field '"
              + e.getPropertyName()
              + "' in the job; known fields: "
              + JobRequest.FIELDS);
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      // A value that checks itself (the code's digests) says best what is wrong with it.
      if (e.getCause() instanceof IllegalArgumentException wrong) {
        throw wrong;
      }
      throw new IllegalArgumentException(whatIsWrong(body, e));
    } catch (JsonMappingException e) {
      String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
      throw new IllegalArgumentException(
          field == null ? whatIsWrong(body, e) : wrongValue(body, field));
    } catch (IOException e) {
      throw new IllegalArgumentException(whatIsWrong(body, e));
    }
  }

  /** A field whose value has the wrong type: what it has and what it takes. */
  private String wrongValue(byte[] body, String field) {
    String takes = "; it takes " + JobRequests.takes(field);
    try {
      JsonNode value = json.readTree(body).get(field);
      return value == null
          ? "'" + field + "' is wrong" + takes
          : "'" + field + "' is " + describe(value) + takes;
    } catch (IOException e) {
      return "'" + field + "' is wrong" + takes + "; and " + whatIsWrong(body, e);
    }
  }

  /** Why a body is not a job, when no one field is to blame: not JSON, not an object, or more. */
  private String whatIsWrong(byte[] body, Exception failure) {
    try (JsonParser parser = json.createParser(body)) {
      JsonNode value =
          json.readerFor(JsonNode.class)
              .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readValue(parser);
      if (value != null && !value.isObject()) {
        return "the body is "
            + kind(value)
            + "; send one JSON object, a job such as {\"task\":\"echo\",\"inputs\":[1,2,3]}";
      }
      if (parser.nextToken() != null) {
        return "the body goes on after the job's closing }"
            + at(parser.currentTokenLocation())
            + "; send one JSON object";
      }
      return "the body is not a valid job: " + plain(failure);
    } catch (JacksonException e) {
      return "the body is not a valid job: it is not JSON: " + plain(e) + at(e.getLocation());
    } catch (IOException e) {
      return "cannot read the body: " + e.getMessage();
    }
  }

  /** Jackson's own words on a syntax error, without its notes on where the source came from. */
  private static String plain(Exception failure) {
    String message =
        failure instanceof JacksonException jackson
            ? jackson.getOriginalMessage()
            : failure.getMessage();
    if (failure instanceof JsonEOFException || message.startsWith("Unexpected end-of-input")) {
      return "the body ends before the job does";
    }
    int source = message.indexOf(" (start marker at [Source");
    if (source < 0) {
      source = message.indexOf("[Source");
    }
    return (source < 0 ? message : message.substring(0, source)).strip();
  }

  private static String at(JsonLocation where) {
    return where == null || where.getLineNr() < 1
        ? ""
        : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
  }

  /** A JSON value as a person reads it: {@code the string "3"}, {@code 1.5}, {@code a list [1]}. */
  static String describe(JsonNode value) {
    String text = value.toString();
    String quoted = text.length() <= QUOTE ? text : text.substring(0, QUOTE - 3) + "...";
    if (value.isTextual()) {
      return "the string " + quoted;
    }
    if (value.isArray()) {
      return "a list " + quoted;
    }
    if (value.isObject()) {
      return "an object " + quoted;
    }
    return quoted;
  }

  private static String kind(JsonNode value) {
    if (value.isArray()) {
      return "a list";
    }
    if (value.isTextual()) {
      return "a string";
    }
    if (value.isNumber()) {
      return "a number";
    }
    if (value.isBoolean()) {
      return "a boolean";
    }
    return "null";
  }
}
