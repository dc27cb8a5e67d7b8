package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.NodeStatus;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real browser (headless Chromium) against a real cluster: the login form and
 * one-time links, a running job's progress pushed live, its errors, a cancel from the page, and a
 * killed node leaving the nodes view. Each view's screenshot is saved under {@code
 * target/it-logs/DashboardIT/screenshots/}.
 */
class DashboardIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, false);

  /** One browser for the class; each test starts logged out. */
  private static Browser browser;

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalCluster cluster;
  private CohortClient client;
  private String base;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start(CLUSTER.logs().resolve("screenshots"));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void start() {
    cluster = CLUSTER.cluster();
    client = CLUSTER.client();
    base = cluster.url();
    Jobs.ensureNodes(cluster, client, 2);
    browser.open(base + "/ui/login");
    browser.forgetCookies();
  }

  /**
   * Tests that the dashboard sends a browser without a session to the login form, refuses a wrong
   * token in plain words, shows the cluster after the right one, with nothing from another site,
   * and logs out.
   */
  @Test
  void logsInWithTheTokenAndShowsTheCluster() {
    browser.open(base + "/ui/");
    browser.await("the login form", d -> d.getCurrentUrl().endsWith("/ui/login"));
    logIn("not-the-token-at-all");
    browser.await("the wrong token's message", d -> d.getCurrentUrl().endsWith("/ui/login?failed"));
    assertThat(browser.find(By.id("message")).getText()).contains("not the coordinator's token");

    logIn(cluster.token().value());
    browser.await(
        "both nodes up", d -> "2 / 2".equals(browser.text("#tile-nodes .value")) ? true : null);
    browser.await("the rates chart", d -> browser.text("#cluster-chart .u-legend") != null);
    assertThat(browser.text("#connection")).isEqualTo("live");
    browser.screenshot("cluster");

    // Every script, style and request stays on the coordinator: no CDN.
    @SuppressWarnings("unchecked")
    List<String> loaded =
        (List<String>)
            browser.script(
                "return performance.getEntriesByType('resource').map(function (e) {"
                    + " return e.name; });");
    assertThat(loaded).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(base + "/"));

    browser.find(By.cssSelector("form.logout button")).click();
    browser.await("the login form after logging out", d -> d.getCurrentUrl().endsWith("/ui/login"));
    assertThat(browser.driver().manage().getCookieNamed("cohort_session")).isNull();
    browser.open(base + "/ui/");
    browser.await("the login form again", d -> d.getCurrentUrl().endsWith("/ui/login"));
  }

  /**
   * Tests that a session cookie opens the API to the dashboard's reads, but a change it asks for
   * must carry the dashboard's header, which another site's page cannot send.
   */
  @Test
  void aSessionCannotBeUsedByAnotherSitesPage() throws Exception {
    browser.open(base + "/ui/login");
    logIn(cluster.token().value());
    browser.await("the dashboard", d -> d.getCurrentUrl().endsWith("/ui/"));
    Cookie session = browser.driver().manage().getCookieNamed("cohort_session");
    assertThat(session).isNotNull();
    assertThat(session.isHttpOnly()).isTrue();
    String cookie = "cohort_session=" + session.getValue();

    HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(base + "/jobs")), cookie);
    assertThat(read.statusCode()).isEqualTo(200);
    HttpResponse<String> forged =
        send(HttpRequest.newBuilder(URI.create(base + "/jobs/nope")).DELETE(), cookie);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("X-Cohort-Dashboard");
    HttpResponse<String> fromPage =
        send(
            HttpRequest.newBuilder(URI.create(base + "/jobs/nope"))
                .DELETE()
                .header("X-Cohort-Dashboard", "1"),
            cookie);
    assertThat(fromPage.statusCode()).isEqualTo(404);
    HttpResponse<String> wrong =
        send(HttpRequest.newBuilder(URI.create(base + "/jobs")), "cohort_session=1.forged");
    assertThat(wrong.statusCode()).isEqualTo(401);
  }

  /** Tests that a one-time link opens a session without the token, and only once. */
  @Test
  void aOneTimeLinkWorksOnce() throws Exception {
    HttpResponse<String> made =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/ui/link"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", cluster.token().header())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(made.statusCode()).isEqualTo(200);
    String path = made.body().replaceAll(".*\"path\":\"([^\"]+)\".*", "$1");
    assertThat(path).startsWith("/ui/login?once=");

    browser.open(base + path);
    browser.await("the dashboard", d -> d.getCurrentUrl().endsWith("/ui/"));
    browser.await("the live feed", d -> "live".equals(browser.text("#connection")));

    browser.forgetCookies();
    browser.open(base + path);
    browser.await("the used link's message", d -> d.getCurrentUrl().endsWith("?expired"));
    assertThat(browser.find(By.id("message")).getText()).contains("used already");
  }

  /**
   * Tests that a running job's progress reaches the page without a reload, that its page shows the
   * failed input's error, and that the page's cancel, once confirmed, cancels it.
   */
  @Test
  void showsAJobLiveWithItsErrorsAndCancelsIt() {
    List<JsonNode> inputs = new ArrayList<>();
    inputs.add(JsonNodeFactory.instance.textNode("abc"));
    for (int i = 0; i < 300; i++) {
      inputs.add(JsonNodeFactory.instance.numberNode(100));
    }
    JobStatus job = client.submit(JobRequest.of("sleep", inputs).withBatch(1));
    String row = "tr[data-job='" + job.id() + "']";

    browser.open(base + "/ui/login");
    logIn(cluster.token().value());
    browser.open(base + "/ui/#/jobs");
    browser.await("the job's row", d -> browser.text(row + " td.col-done"));
    browser.script("window.cohortNotReloaded = true;");
    String first = browser.await("progress", d -> changed(row, null));
    String second = browser.await("more progress", d -> changed(row, first));
    assertThat(browser.script("return window.cohortNotReloaded === true;")).isEqualTo(true);
    assertThat(browser.text(row + " span.state")).isEqualTo("RUNNING");
    assertThat(second).endsWith("/ 301");
    browser.screenshot("jobs");

    browser.find(By.cssSelector(row + " td.col-id a")).click();
    browser.await("the failed input's error", d -> browser.text("#job-errors tr[data-index='0']"));
    String error = browser.text("#job-errors tr[data-index='0']");
    assertThat(error).contains("abc");
    browser.await("the first results", d -> browser.text("#job-results tbody tr"));
    browser.await(
        "where its inputs ran: both nodes",
        d -> d.findElements(By.cssSelector("#job-nodes tr[data-node]")).size() == 2 ? true : null);
    browser.await("the throughput chart", d -> browser.text("#job-chart .u-legend"));
    browser.screenshot("job");

    browser.await(
        "the cancel button, clicked",
        d -> {
          d.findElement(By.cssSelector("#view button[data-cancel='" + job.id() + "']")).click();
          return true;
        });
    WebElement dialog = browser.find(By.id("confirm"));
    browser.await("the confirmation", d -> dialog.isDisplayed());
    assertThat(browser.text("#confirm-title")).contains(job.id());
    browser.screenshot("cancel");
    browser.find(By.id("confirm-yes")).click();
    browser.await("the cancelled state", d -> "CANCELLED".equals(browser.text("#view span.state")));
    assertThat(client.status(job.id()).state()).isEqualTo(JobStatus.State.CANCELLED);
  }

  /**
   * Tests that a node killed with SIGKILL turns up in the nodes view, with its heap, then leaves it
   * for the list of nodes that left, downed as unreachable.
   */
  @Test
  void aKilledNodeLeavesTheNodesView() {
    Set<String> before = addresses(client.cluster());
    cluster.launchNode(1);
    ClusterStatus grown =
        Jobs.awaitCluster(
            client,
            status -> addresses(status).size() > before.size(),
            Duration.ofSeconds(90),
            "a third node");
    String added =
        addresses(grown).stream().filter(a -> !before.contains(a)).findFirst().orElseThrow();
    String row = "#nodes tr[data-node='" + added + "']";

    browser.open(base + "/ui/login");
    logIn(cluster.token().value());
    browser.open(base + "/ui/#/nodes");
    browser.await(
        "the new node", d -> "UP".equals(browser.text(row + " span.state")) ? true : null);
    browser.screenshot("nodes");

    JvmProcess node = Jobs.nodeAt(cluster, added);
    node.kill();
    browser.await(
        "the killed node gone from the nodes table",
        d -> d.findElements(By.cssSelector(row)).isEmpty());
    browser.await(
        "the killed node among those that left",
        d -> browser.text("#departed tr[data-node='" + added + "'] .col-why"));
    assertThat(browser.text("#departed tr[data-node='" + added + "'] .col-why"))
        .isEqualTo("downed as unreachable");
    browser.screenshot("nodes-after-kill");
    assertThat(addresses(client.cluster())).doesNotContain(added);
  }

  private void logIn(String token) {
    WebElement field = browser.find(By.id("token"));
    field.clear();
    field.sendKeys(token);
    browser.find(By.cssSelector("form.login button")).click();
  }

  /** The row's done cell when it differs from {@code before} and shows some done; else null. */
  private String changed(String row, String before) {
    String done = browser.text(row + " td.col-done");
    return done != null && !done.startsWith("0 /") && !done.equals(before) ? done : null;
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String cookie)
      throws IOException, InterruptedException {
    return http.send(
        request.header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> addresses(ClusterStatus status) {
    return status.nodes().stream().map(NodeStatus::address).collect(Collectors.toSet());
  }
}
