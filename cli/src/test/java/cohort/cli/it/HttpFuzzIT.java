package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sends a real coordinator 10,000 random, malformed and truncated HTTP requests, half of them with
 * the token so they reach past the guard, and checks that none gets a 5xx and that the coordinator
 * still runs jobs afterwards. The requests come from a seeded random generator: a failure names the
 * seed and the request, so it can be replayed.
 */
class HttpFuzzIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(1, false);

  static final int REQUESTS = 10_000;

  private static final String[] METHODS = {
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "BREW"
  };

  private static final String[] PATHS = {
    "/jobs",
    "/jobs/",
    "/jobs?wait=1s",
    "/jobs?wait=-1",
    "/jobs?wait=%zz",
    "/jobs/JOB",
    "/jobs/JOB/results",
    "/jobs/JOB/results?from=3",
    "/jobs/JOB/results?from=-9",
    "/jobs/JOB/inputs",
    "/jobs/JOB/blobs",
    "/jobs/JOB/blobs?wait=x",
    "/blobs/JOB/0",
    "/blobs/JOB/c0",
    "/blobs/../../etc/passwd",
    "/cluster",
    "/tasks",
    "/metrics",
    "/health",
    "/",
    "/jobs/%00",
    "/jobs/" + "a".repeat(3000),
    "//jobs",
    "/jobs/JOB/results?from=99999999999999999999"
  };

  private static final String[] BODIES = {
    "{\"task\":\"echo\",\"inputs\":[1,2,3]}",
    "{\"task\":\"echo\",\"stream\":true}",
    "{\"task\":\"sum-range\",\"range\":\"0..100\",\"split\":2,\"combine\":\"sum\"}",
    "{\"task\":\"echo\",\"inputs\":[{\"blob\":\"x/1\",\"name\":\"a\"}]}",
    "{\"task\":\"nope\",\"inputs\":[]}",
    "{\"task\":\"echo\",\"range\":\"9..1\"}",
    "{\"task\":\"echo\",\"inputs\":\"not a list\",\"timeout\":\"soon\"}",
    "[1,2,3]\n{\"x\":1}\n\"y\"\n",
    "{}",
    "null",
  };

  /** Tests that random requests get no 5xx and leave the coordinator serving. */
  @Test
  void randomRequestsGetNoServerError() throws Exception {
    URI base = URI.create(CLUSTER.cluster().url());
    String token = CLUSTER.cluster().token().value();
    String job =
        CLUSTER.client().submit(JobRequest.of("echo", List.<JsonNode>of(LongNode.valueOf(1)))).id();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    TreeMap<Integer, Integer> statuses = new TreeMap<>();
    List<String> serverErrors = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      byte[] request = request(random, job, random.nextBoolean() ? token : null);
      int status = send(base, request);
      statuses.merge(status, 1, Integer::sum);
      if (status >= 500) {
        serverErrors.add(
            status
                + " for request "
                + i
                + " (seed "
                + seed
                + "): "
                + new String(
                    request, 0, Math.min(request.length, 300), StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(serverErrors).as("statuses %s", statuses).isEmpty();
    assertThat(statuses.keySet()).as("statuses %s", statuses).contains(200, 401);

    JobOutcome after =
        CLUSTER.client().run(JobRequest.of("echo", List.<JsonNode>of(LongNode.valueOf(7))));
    assertThat(after.results()).hasSize(1);
    assertThat(after.results().get(0).output().asLong()).isEqualTo(7);
    assertThat(CLUSTER.cluster().coordinator().isAlive()).isTrue();
  }

  /** One random request: a method, a path, headers, a body, each maybe mangled or cut short. */
  private static byte[] request(Random random, String job, String token) {
    String path = PATHS[random.nextInt(PATHS.length)].replace("JOB", job);
    String method = METHODS[random.nextInt(METHODS.length)];
    byte[] body = body(random);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    switch (random.nextInt(6)) {
      case 0 -> head.append("Content-Type: application/json\r\n");
      case 1 -> head.append("Content-Type: application/x-ndjson\r\n");
      case 2 -> head.append("Accept: application/x-cohort-results\r\n");
      case 3 -> head.append("Content-Type: ").append(junk(random, 20)).append("\r\n");
      case 4 -> head.append("X-").append(junk(random, 8).replace(':', 'x')).append(": 1\r\n");
      default -> {}
    }
    int declared =
        switch (random.nextInt(5)) {
          case 0 -> body.length + 1 + random.nextInt(100); // more than is sent: cut short
          case 1 -> -1; // no length at all
          default -> body.length;
        };
    if (declared >= 0) {
      head.append("Content-Length: ").append(declared).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    bytes.writeBytes(body);
    byte[] all = bytes.toByteArray();
    if (random.nextInt(10) == 0) {
      // Cut anywhere, even inside the request line.
      return java.util.Arrays.copyOf(all, random.nextInt(all.length + 1));
    }
    if (random.nextInt(20) == 0) {
      all[random.nextInt(all.length)] = (byte) random.nextInt(256);
    }
    return all;
  }

  private static byte[] body(Random random) {
    String base = BODIES[random.nextInt(BODIES.length)];
    return switch (random.nextInt(4)) {
      case 0 -> new byte[0];
      case 1 ->
          base.substring(0, random.nextInt(base.length() + 1)).getBytes(StandardCharsets.UTF_8);
      case 2 -> {
        byte[] noise = new byte[random.nextInt(2048)];
        random.nextBytes(noise);
        yield noise;
      }
      default -> base.getBytes(StandardCharsets.UTF_8);
    };
  }

  private static String junk(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append((char) (0x21 + random.nextInt(0x5e)));
    }
    return text.toString();
  }

  /**
   * Sends the bytes, stops writing, and reads the status of the answer; 0 when the coordinator
   * closed the connection without one (a request it could not read to the end).
   */
  private static int send(URI base, byte[] request) throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] line = new byte[12];
      int read = in.readNBytes(line, 0, line.length);
      if (read < 12) {
        return 0;
      }
      String status = new String(line, StandardCharsets.ISO_8859_1);
      if (!status.startsWith("HTTP/1.1 ")) {
        throw new AssertionError("not an HTTP answer: " + status);
      }
      return Integer.parseInt(status.substring(9, 12));
    } catch (java.net.SocketException reset) {
      return 0; // the coordinator reset a connection it would not read further
    }
  }
}
