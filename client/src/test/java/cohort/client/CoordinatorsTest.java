package cohort.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which coordinator a client talks to, and when it moves on. */
class CoordinatorsTest {

  @Test
  void urlsAreCheckedAndCutToTheirBase() {
    assertThat(
            Coordinators.checked(
                List.of(URI.create("http://a:8470/"), URI.create("http://b:8471/jobs"))))
        .containsExactly(URI.create("http://a:8470"), URI.create("http://b:8471"));
    assertThatThrownBy(() -> Coordinators.checked(List.of()))
        .hasMessageContaining("no coordinator URL given");
    assertThatThrownBy(() -> Coordinators.checked(List.of(URI.create("ftp://a:1"))))
        .hasMessageContaining("'ftp://a:1' is not an http or https URL");
    assertThat(Coordinators.checked(List.of(URI.create("https://a:8470/x"))))
        .containsExactly(URI.create("https://a:8470"));
  }

  @Test
  void movesOnOnceWhateverHowManyCallsFailedAtTheSameCoordinator() {
    URI a = URI.create("http://a:1");
    URI b = URI.create("http://b:2");
    Coordinators two = new Coordinators(List.of(a, b));
    assertThat(two.uri("/jobs")).isEqualTo(URI.create("http://a:1/jobs"));
    assertThat(two.moveOn(URI.create("http://a:1/jobs"))).isTrue();
    assertThat(two.current()).isEqualTo(b);
    // A second call that failed at a, after the first moved on, leaves b.
    assertThat(two.moveOn(URI.create("http://a:1/cluster"))).isTrue();
    assertThat(two.current()).isEqualTo(b);
    assertThat(two.moveOn(URI.create("http://b:2/jobs"))).isTrue();
    assertThat(two.current()).isEqualTo(a);
    assertThat(two.shown()).isEqualTo("http://a:1 or http://b:2");

    Coordinators one = new Coordinators(List.of(a));
    assertThat(one.moveOn(URI.create("http://a:1/jobs"))).isFalse();
    assertThat(one.current()).isEqualTo(a);
  }
}
