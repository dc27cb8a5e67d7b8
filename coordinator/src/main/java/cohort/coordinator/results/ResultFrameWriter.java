package cohort.coordinator.results;

import cohort.api.ResultFrames;
import cohort.api.TaskError;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.Values;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Writes released results as {@link ResultFrames}: one frame per block. Outputs a node encoded are
 * written as they came, and consecutive integer inputs as their first, so a block of thousands of
 * tiny results costs a copy, not a line each. Not thread-safe: one per writer.
 */
public final class ResultFrameWriter {

  private static final CBORMapper CBOR = new CBORMapper();

  private final Frame frame = new Frame();
  private final JsonGenerator cbor;

  public ResultFrameWriter() {
    try {
      this.cbor = CBOR.getFactory().createGenerator(frame);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the block as one frame: its length, then the frame. */
  public void write(ResultBlock block, OutputStream out) throws IOException {
    frame.reset();
    boolean counted = !block.counters().isEmpty();
    cbor.writeStartArray(null, counted ? 6 : 5);
    cbor.writeNumber(block.firstIndex());
    cbor.writeNumber(block.size());
    OptionalLong consecutive = block.inputs().consecutiveFrom();
    if (consecutive.isPresent()) {
      cbor.writeNumber(consecutive.getAsLong());
    } else {
      writeBytes(block.inputs());
    }
    writeBytes(block.outputs());
    if (block.errors().isEmpty()) {
      cbor.writeNull();
    } else {
      cbor.writeStartArray(null, block.errors().size());
      for (Map.Entry<Integer, TaskError> error : new TreeMap<>(block.errors()).entrySet()) {
        cbor.writeStartArray(null, 2);
        cbor.writeNumber(error.getKey());
        CBOR.writeValue(cbor, error.getValue());
        cbor.writeEndArray();
      }
      cbor.writeEndArray();
    }
    if (counted) {
      // What the block's attempts added to the job's counters: kept with the results, so a
      // restarted coordinator rebuilds the totals from the log.
      cbor.writeStartObject(null, block.counters().asMap().size());
      for (Map.Entry<String, Long> counter : block.counters().asMap().entrySet()) {
        cbor.writeFieldName(counter.getKey());
        cbor.writeNumber(counter.getValue());
      }
      cbor.writeEndObject();
    }
    cbor.writeEndArray();
    cbor.flush();
    int length = frame.size();
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    frame.writeTo(out);
  }

  private void writeBytes(Values values) throws IOException {
    Values.Cbor encoded = values.cbor();
    cbor.writeBinary(encoded.bytes(), encoded.offset(), encoded.length());
  }

  /** The frame being built; its buffer is reused from frame to frame. */
  private static final class Frame extends ByteArrayOutputStream {
    Frame() {
      super(64 * 1024);
    }
  }
}
