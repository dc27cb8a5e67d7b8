package cohort.api.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodeRefTest {

  private static final String A = "a".repeat(64);
  private static final String B = "0123456789abcdef".repeat(4);

  /** Tests that good digests and a class name are kept, in order, in a list that cannot change. */
  @Test
  void keepsGoodJarsInOrder() {
    List<String> given = new ArrayList<>(List.of(B, A));
    CodeRef code = new CodeRef(given, "com.acme.MyTask");
    given.clear();

    assertThat(code.jars()).containsExactly(B, A);
    assertThat(code.taskClass()).isEqualTo("com.acme.MyTask");
    assertThatThrownBy(() -> code.jars().add(A)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(CodeRef.of(List.of(A)).taskClass()).isNull();
  }

  /** Tests that code naming no jars is refused, saying how jars are uploaded. */
  @Test
  void refusesNoJars() {
    String message =
        "code names no jars; give the SHA-256 of each jar uploaded with PUT /code/{sha256}";
    assertThatThrownBy(() -> CodeRef.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> CodeRef.of(null)).hasMessage(message);
  }

  /** Tests that more than MAX_JARS jars are refused, giving the count and the limit. */
  @Test
  void refusesTooManyJars() {
    List<String> jars = new ArrayList<>();
    for (int i = 0; i <= CodeRef.MAX_JARS; i++) {
      jars.add(String.format("%064x", i));
    }
    assertThatThrownBy(() -> CodeRef.of(jars))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("code names 65 jars; a job may name at most 64");
    assertThat(CodeRef.of(jars.subList(0, CodeRef.MAX_JARS)).jars()).hasSize(64);
  }

  /** Tests that a jar named twice is refused, listing the jars. */
  @Test
  void refusesDuplicates() {
    assertThatThrownBy(() -> CodeRef.of(List.of(A, B, A)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("code names one jar twice: [" + A + ", " + B + ", " + A + "]");
  }

  /** Tests that a bad digest among the jars is refused, quoting it. */
  @Test
  void refusesBadDigestAmongJars() {
    assertThatThrownBy(() -> CodeRef.of(List.of(A, "nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'nope' is not a SHA-256 digest; give 64 lower-case hex digits, as sha256sum prints");
    assertThatThrownBy(() -> CodeRef.of(Arrays.asList(A, null)))
        .hasMessageStartingWith("'null' is not a SHA-256 digest");
  }

  /** Tests that checkDigest takes 64 lower-case hex digits only. */
  @Test
  void checkDigestTakesLowerCaseHexOfLength64() {
    assertThat(CodeRef.checkDigest(B)).isEqualTo(B);
    for (String bad :
        new String[] {
          B.toUpperCase(), "a".repeat(63), "a".repeat(65), "g".repeat(64), " " + A.substring(1), ""
        }) {
      assertThatThrownBy(() -> CodeRef.checkDigest(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "'"
                  + bad
                  + "' is not a SHA-256 digest; give 64 lower-case hex digits, as sha256sum"
                  + " prints");
    }
  }

  /** Tests that a taskClass that is not a Java class name is refused, quoting it. */
  @Test
  void refusesBadTaskClass() {
    for (String bad : new String[] {"", "1Task", "com..Task", "com.acme.", "a-b", "a b", ".A"}) {
      assertThatThrownBy(() -> new CodeRef(List.of(A), bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "code's taskClass '" + bad + "' is not a Java class name such as com.acme.MyTask");
    }
    for (String good : new String[] {"T", "com.acme.My$Inner", "_x.Y1", "é.Ünïcode"}) {
      assertThat(new CodeRef(List.of(A), good).taskClass()).isEqualTo(good);
    }
  }

  /** Tests that shortDigest gives the first 12 digits. */
  @Test
  void shortDigestIsFirstTwelveDigits() {
    assertThat(CodeRef.shortDigest(B)).isEqualTo("0123456789ab");
  }
}
