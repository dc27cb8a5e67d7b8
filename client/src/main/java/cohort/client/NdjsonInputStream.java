package cohort.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

/**
 * Newline-delimited JSON read lazily from an iterator of values: an HTTP body that pulls the next
 * input only when the connection can take more, so a slow cluster slows the producer down.
 */
final class NdjsonInputStream extends InputStream {

  private final Iterator<? extends JsonNode> inputs;
  private final ObjectMapper json;
  private byte[] current = new byte[0];
  private int position;

  NdjsonInputStream(Iterator<? extends JsonNode> inputs, ObjectMapper json) {
    this.inputs = inputs;
    this.json = json;
  }

  private boolean fill() throws IOException {
    while (position >= current.length) {
      if (!inputs.hasNext()) {
        return false;
      }
      byte[] value = json.writeValueAsBytes(inputs.next());
      current = new byte[value.length + 1];
      System.arraycopy(value, 0, current, 0, value.length);
      current[value.length] = '\n';
      position = 0;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    return fill() ? current[position++] & 0xff : -1;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int copied = 0;
    while (copied < length && fill()) {
      int n = Math.min(length - copied, current.length - position);
      System.arraycopy(current, position, buffer, offset + copied, n);
      position += n;
      copied += n;
    }
    return copied == 0 ? -1 : copied;
  }
}
