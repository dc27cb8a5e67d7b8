package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The end of the process lets go of the JDK's HTTP client threads, which would hold it 300 ms. */
@Timeout(30)
class ProcessExitTest {

  /** Tests that after a real exchange the client's selector thread ends once released. */
  @Test
  void theSelectorThreadEnds() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jobs"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("[]");
      assertThat(selectors()).isNotEmpty();

      assertThat(ProcessExit.releaseHttpClients()).isPositive();
      for (Thread selector : selectors()) {
        selector.join(5_000);
        assertThat(selector.isAlive()).as(selector.getName()).isFalse();
      }
    } finally {
      server.stop(0);
    }
  }

  private static List<Thread> selectors() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("HttpClient-"))
        .filter(t -> t.getName().endsWith("-SelectorManager"))
        .toList();
  }
}
