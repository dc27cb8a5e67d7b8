package cohort.api.direct;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The framing of direct calls on a node's direct port: each message is a 4-byte big-endian length
 * and that many bytes of CBOR, a {@link DirectCall} from the client or a {@link DirectReply} from
 * the node. A connection opens with {@link #HELLO} from the client, so a node knows it speaks to a
 * Cohort client of the same version before it reads a length, followed by a {@link DirectAuth} with
 * the cluster's node token; the node answers with the same hello, so a client sends no call to a
 * node that is not there to serve it (one that is dying, or whose port another program took), or
 * with {@link #REFUSED} and a {@link DirectReply} whose error says why it will not serve.
 */
public final class DirectFrames {

  /** What each side sends first: "COHD" and the version of this framing. */
  public static final byte[] HELLO = {'C', 'O', 'H', 'D', 0, 0, 0, 3};

  /** What a node answers to a client it will not serve, before a reply that says why. */
  public static final byte[] REFUSED = {'C', 'O', 'H', 'D', 'N', 'O', 'P', 'E'};

  /** Largest message either side accepts: an input or output of 192 KiB and room around it. */
  public static final int MAX_FRAME_BYTES = 256 * 1024;

  private static final ObjectMapper CBOR =
      CBORMapper.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  private DirectFrames() {}

  /** Writes one message; the caller flushes. */
  public static void write(DataOutputStream out, Object message) throws IOException {
    byte[] bytes = CBOR.writeValueAsBytes(message);
    if (bytes.length > MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "a direct call's input or output may be at most 192 KiB; this one is about "
              + bytes.length / 1024
              + " KiB: submit it as a job with a file input instead");
    }
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /**
   * Reads one message of the given type.
   *
   * @throws EOFException when the other side closed the connection between messages
   * @throws IOException when the bytes are not a message of this framing
   */
  public static <T> T read(DataInputStream in, Class<T> type) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_FRAME_BYTES) {
      throw new IOException(
          "a message of " + length + " bytes: the other side does not speak Cohort's direct calls");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return CBOR.readValue(bytes, type);
  }

  /** Sends the opening bytes of a connection. */
  public static void hello(OutputStream out) throws IOException {
    out.write(HELLO);
    out.flush();
  }

  /**
   * Reads the opening bytes of a connection.
   *
   * @throws IOException when they are not {@link #HELLO}
   */
  public static void expectHello(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] got = data.readNBytes(HELLO.length);
    if (java.util.Arrays.equals(got, REFUSED)) {
      DirectReply why = read(data, DirectReply.class);
      throw new IOException(
          "the node refused the connection: "
              + (why.error() == null ? "it gave no reason" : why.error().message()));
    }
    if (!java.util.Arrays.equals(got, HELLO)) {
      throw new IOException(
          "the other side does not speak this version of Cohort's direct calls (it did not open"
              + " with COHD 3)");
    }
  }

  /** Answers a connection the node will not serve, saying why; the caller closes it. */
  public static void refuse(DataOutputStream out, String why) throws IOException {
    out.write(REFUSED);
    write(
        out,
        new DirectReply(-1, null, new cohort.api.TaskError("cohort.Refused", why, null, 0, null)));
    out.flush();
  }
}
