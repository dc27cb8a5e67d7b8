package cohort.client.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.direct.DirectAuth;
import cohort.api.direct.DirectFrames;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
      assertThatThrownBy(() -> NodeConnection.open(address(port), "node-token"))
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
                  DirectAuth auth = DirectFrames.read(new DataInputStream(in), DirectAuth.class);
                  if (!auth.token().equals("node-token")) {
                    throw new IOException("the client sent the token " + auth.token());
                  }
                  DirectFrames.hello(accepted.getOutputStream());
                  return accepted;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (NodeConnection connection = NodeConnection.open(address(port), "node-token");
          Socket accepted = server.get()) {
        assertThat(connection.alive()).isTrue();
        assertThat(accepted.isConnected()).isTrue();
      }
    }
  }

  /** Tests that a node that refuses the client's token says why, and gives no connection. */
  @Test
  void aNodeThatRefusesSaysWhy() throws Exception {
    try (ServerSocket port = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> server =
          CompletableFuture.runAsync(
              () -> {
                try (Socket accepted = port.accept()) {
                  DataInputStream in = new DataInputStream(accepted.getInputStream());
                  DirectFrames.expectHello(in);
                  DirectFrames.read(in, DirectAuth.class);
                  DirectFrames.refuse(
                      new DataOutputStream(accepted.getOutputStream()), "wrong or missing token");
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThatThrownBy(() -> NodeConnection.open(address(port), "other"))
          .isInstanceOf(IOException.class)
          .hasMessage("the node refused the connection: wrong or missing token");
      server.get();
    }
  }

  private static String address(ServerSocket port) {
    return "127.0.0.1:" + port.getLocalPort();
  }
}
