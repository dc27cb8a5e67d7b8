package cohort.bench.peers.hazelcast;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The benchmark's trivial task: returns the number it was given. Serialized with Hazelcast's {@link
 * IdentifiedDataSerializable} (a factory and class id, then one long), which every member and
 * client registers through {@link #register}.
 */
final class Echo implements Callable<Long>, IdentifiedDataSerializable {

  /** The id of the factory that creates this peer's serializable classes. */
  static final int FACTORY_ID = 0x436f68;

  /** This class's id within {@link #FACTORY_ID}. */
  static final int CLASS_ID = 1;

  private long value;

  /** An empty task for Hazelcast to read one into. */
  Echo() {}

  /** A task that returns {@code value}. */
  Echo(long value) {
    this.value = value;
  }

  /** Adds the factory that reads this class to a member's or client's serialization. */
  static void register(SerializationConfig serialization) {
    serialization.addDataSerializableFactory(FACTORY_ID, id -> id == CLASS_ID ? new Echo() : null);
  }

  @Override
  public Long call() {
    return value;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(value);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    value = in.readLong();
  }

  @Override
  public int getFactoryId() {
    return FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return CLASS_ID;
  }
}
