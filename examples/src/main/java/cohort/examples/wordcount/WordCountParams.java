package cohort.examples.wordcount;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Parameters of word-count.
 *
 * @param minLength words shorter than this are not counted
 */
public record WordCountParams(
    @JsonPropertyDescription("skip words shorter than this (default 1)") Integer minLength) {

  public WordCountParams {
    minLength = minLength == null ? 1 : minLength;
  }
}
