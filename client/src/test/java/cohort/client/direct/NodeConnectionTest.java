package cohort.client.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.direct.DirectFrames;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The opening of a direct connection: no connection counts until the node has answered. */
@Timeout(30)
class NodeConnectionTest {

  /** Tests that a port that accepts and then closes, as a dying node's may, gives no connection. */
  @Test
  void aPortThatClosesAtOnceIsNotANode() throws Exception {
    try (ServerSocket port = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> server =
          CompletableFuture.runAsync(
              () -> {
                try (Socket accepted = port.accept()) {
                  accepted.getInputStream().readNBytes(DirectFrames.HELLO.length);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThatThrownBy(() -> NodeConnection.open(address(port)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("does not speak this version");
      server.get();
    }
  }

  /** Tests that a port that answers the hello gives a live connection. */
  @Test
  void aNodeThatAnswersIsConnected() throws Exception {
    try (ServerSocket port = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> server =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  Socket accepted = port.accept();
                  InputStream in = accepted.getInputStream();
                  DirectFrames.expectHello(in);
                  DirectFrames.hello(accepted.getOutputStream());
                  return accepted;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (NodeConnection connection = NodeConnection.open(address(port));
          Socket accepted = server.get()) {
        assertThat(connection.alive()).isTrue();
        assertThat(accepted.isConnected()).isTrue();
      }
    }
  }

  private static String address(ServerSocket port) {
    return "127.0.0.1:" + port.getLocalPort();
  }
}
