package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.client.CohortException;
import cohort.client.Credentials;
import cohort.pool.Cohort;
import cohort.task.Task;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Nodes started with {@code --no-shipped-code} run installed tasks only. */
class NoShippedCodeIT {

  @RegisterExtension
  static final ClusterExtension CLUSTER =
      new ClusterExtension(1, false, List.of("--no-shipped-code"));

  @TempDir static Path work;

  /** Tests that a job bringing code is refused with a reason, while installed tasks still run. */
  @Test
  @Timeout(120)
  void aJobThatBringsCodeIsRefused() throws Exception {
    Path classes =
        TaskSources.compile(
            work,
            Map.of("shipped.no.Upper", TaskSources.task("shipped.no", "Upper", "upper", "input")));
    Task<String, ?, String> upper = TaskSources.load(classes, "shipped.no.Upper");
    try (Cohort cohort =
        Cohort.connect(
            URI.create(CLUSTER.cluster().url()), Credentials.of(CLUSTER.cluster().token()))) {
      assertThatThrownBy(() -> cohort.map(upper, List.of("a")))
          .isInstanceOf(CohortException.class)
          .hasMessageContaining("no node runs shipped code")
          .hasMessageContaining("--no-shipped-code");
    }
    Cli.Run echo =
        Cli.run(
            "submit", "echo", "7", "--output", "value", "--coordinator", CLUSTER.cluster().url());
    assertThat(echo.exitCode()).as(echo.stderr()).isZero();
    assertThat(echo.stdout()).containsExactly("7");
  }
}
