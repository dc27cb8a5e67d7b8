package cohort.bench.peers.hazelcast;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** TEMPORARY experiment: the same task with Java serialization. */
final class EchoJava implements Callable<Long>, Serializable {
  private static final long serialVersionUID = 1L;
  private final long value;

  EchoJava(long value) {
    this.value = value;
  }

  @Override
  public Long call() {
    return value;
  }
}
