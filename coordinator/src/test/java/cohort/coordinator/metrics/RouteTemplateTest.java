package cohort.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTemplateTest {

  /** Tests that ids become placeholders, so the request counter's labels stay few. */
  @Test
  void idsBecomePlaceholders() {
    assertThat(RouteTemplate.of("/jobs")).isEqualTo("/jobs");
    assertThat(RouteTemplate.of("/jobs/")).isEqualTo("/jobs");
    assertThat(RouteTemplate.of("/jobs/abc-1")).isEqualTo("/jobs/{id}");
    assertThat(RouteTemplate.of("/jobs/abc-1/results")).isEqualTo("/jobs/{id}/results");
    assertThat(RouteTemplate.of("/jobs/abc-1/inputs")).isEqualTo("/jobs/{id}/inputs");
    assertThat(RouteTemplate.of("/jobs/abc-1/blobs")).isEqualTo("/jobs/{id}/blobs");
    assertThat(RouteTemplate.of("/jobs/abc-1/log")).isEqualTo("/jobs/{id}/log");
    assertThat(RouteTemplate.of("/blobs/abc-1/c3")).isEqualTo("/blobs/{job}/{n}");
    assertThat(RouteTemplate.of("/code/0123abcd")).isEqualTo("/code/{digest}");
    assertThat(RouteTemplate.of("/deployments")).isEqualTo("/deployments");
    assertThat(RouteTemplate.of("/cluster")).isEqualTo("/cluster");
    assertThat(RouteTemplate.of("/metrics")).isEqualTo("/metrics");
    assertThat(RouteTemplate.of("/health")).isEqualTo("/health");
    assertThat(RouteTemplate.of("/tasks")).isEqualTo("/tasks");
    assertThat(RouteTemplate.of("/ui/")).isEqualTo("/ui");
    assertThat(RouteTemplate.of("/ui/login")).isEqualTo("/ui/login");
    assertThat(RouteTemplate.of("/ui/events")).isEqualTo("/ui/events");
    assertThat(RouteTemplate.of("/ui/jobs/abc-1/detail")).isEqualTo("/ui/jobs/{id}/detail");
    assertThat(RouteTemplate.of("/ui/assets/app.js")).isEqualTo("/ui/assets/{file}");
    assertThat(RouteTemplate.of("/webjars/uplot/1.6.30/dist/uPlot.min.css"))
        .isEqualTo("/webjars/{file}");
  }

  /** Tests that paths no route serves, however many, share one label, as odd methods do. */
  @Test
  void unknownPathsAndMethodsShareOneLabel() {
    assertThat(RouteTemplate.of("/")).isEqualTo(RouteTemplate.OTHER);
    assertThat(RouteTemplate.of("/nope")).isEqualTo(RouteTemplate.OTHER);
    assertThat(RouteTemplate.of("/jobs/a/b/c")).isEqualTo(RouteTemplate.OTHER);
    assertThat(RouteTemplate.of("/ui/jobs/abc-1")).isEqualTo(RouteTemplate.OTHER);
    assertThat(RouteTemplate.of("/ui/nope")).isEqualTo(RouteTemplate.OTHER);
    assertThat(RouteTemplate.of("/jobs/a/secret")).isEqualTo(RouteTemplate.OTHER);
    assertThat(RouteTemplate.of("/cluster/x")).isEqualTo(RouteTemplate.OTHER);
    assertThat(RouteTemplate.method("GET")).isEqualTo("GET");
    assertThat(RouteTemplate.method("BREW")).isEqualTo(RouteTemplate.OTHER);
  }
}
