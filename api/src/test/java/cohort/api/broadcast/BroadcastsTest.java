package cohort.api.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of a job's broadcasts: names, digests, how many. */
class BroadcastsTest {

  private static final String DIGEST = "ab".repeat(32);

  /** Tests that good names and digests pass, sorted by name, and null means none. */
  @Test
  void acceptsNamesAndDigests() {
    assertThat(Broadcasts.check(Map.of("words.txt", DIGEST, "model", DIGEST)))
        .containsExactly(Map.entry("model", DIGEST), Map.entry("words.txt", DIGEST));
    assertThat(Broadcasts.check(null)).isEmpty();
  }

  /** Tests that bad names are refused saying what a name looks like. */
  @Test
  void refusesBadNames() {
    for (String bad : new String[] {"", "1model", "a b", "x/y", "m".repeat(65)}) {
      assertThatThrownBy(() -> Broadcasts.checkName(bad))
          .hasMessageContaining("is not a broadcast name; use a letter");
    }
    assertThatThrownBy(() -> Broadcasts.checkName(null)).hasMessageContaining("'null'");
  }

  /** Tests that a bad digest is refused naming its broadcast. */
  @Test
  void refusesBadDigests() {
    assertThatThrownBy(() -> Broadcasts.check(Map.of("model", "abc")))
        .hasMessageStartingWith("broadcast 'model': 'abc' is not a SHA-256 digest");
  }

  /** Tests that a job may name at most MAX_PER_JOB broadcasts. */
  @Test
  void refusesTooMany() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i <= Broadcasts.MAX_PER_JOB; i++) {
      many.put("b" + i, DIGEST);
    }
    assertThatThrownBy(() -> Broadcasts.check(many)).hasMessageContaining("at most 32");
  }
}
