package cohort.node;

import cohort.api.security.Token;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What a node knows of its coordinator's HTTP API once the coordinator registered it: where it
 * serves and the node token, which the node presents to fetch a job's files and asks of clients on
 * its direct port. Shared by the worker (which learns them), the file fetches and the direct port.
 */
public final class NodeAccess {

  private final Optional<SSLContext> trust;
  private volatile String url;
  private volatile Token nodeToken;

  /**
   * Made on the first fetch: most nodes read their files in place or never see one, and the JDK's
   * client costs a selector thread and a tenth of a second of class loading at a node's start.
   */
  private HttpClient http;

  /** Access to a coordinator serving plain HTTP, or HTTPS with a certificate the JDK trusts. */
  public NodeAccess() {
    this(Optional.empty());
  }

  /**
   * @param trust what checks the coordinator's HTTPS certificate (the cluster's CA besides the
   *     JDK's); empty for the JDK's own
   */
  public NodeAccess(Optional<SSLContext> trust) {
    this.trust = trust;
  }

  /** The coordinator registered this node: it serves at {@code url}, nodes present the token. */
  void registered(String url, String nodeToken) {
    if (nodeToken != null) {
      this.nodeToken = Token.of(nodeToken, "the coordinator's registration");
    }
    this.url = url;
  }

  /** The coordinator's HTTP URL, or null before it registered this node. */
  public String url() {
    return url;
  }

  /** What checks an HTTPS coordinator's certificate besides the JDK's CAs, if anything. */
  Optional<SSLContext> trust() {
    return trust;
  }

  /** The node token, or empty before the coordinator registered this node. */
  public Optional<Token> nodeToken() {
    return Optional.ofNullable(nodeToken);
  }

  /** A request to the coordinator's {@code path}, with the node token. */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(url + path));
    Token token = nodeToken;
    return token == null ? request : request.header(Token.HEADER, token.header());
  }

  /** The HTTP client for requests to the coordinator. */
  public synchronized HttpClient http() {
    if (http == null) {
      HttpClient.Builder builder =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10));
      trust.ifPresent(builder::sslContext);
      http = builder.build();
    }
    return http;
  }
}
