package cohort.pool;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskError;
import org.junit.jupiter.api.Test;

class TaskFailedExceptionTest {

  /** Tests the message of an input that failed on a node after several attempts. */
  @Test
  void messageOfAnInputFailure() {
    TaskError error =
        new TaskError("java.lang.ArithmeticException", "/ by zero", "node-1", 3, null);
    TaskFailedException e = new TaskFailedException(7, error);
    assertThat(e)
        .hasMessage(
            "input 7 failed on node-1 after 3 attempts: java.lang.ArithmeticException: / by zero");
    assertThat(e.index()).isEqualTo(7);
    assertThat(e.remoteType()).isEqualTo("java.lang.ArithmeticException");
    assertThat(e.remoteMessage()).isEqualTo("/ by zero");
    assertThat(e.node()).isEqualTo("node-1");
    assertThat(e.remoteTrace()).isNull();
    assertThat(e.error()).isSameAs(error);
  }

  /** Tests the message of a failed job with no node, one attempt and no remote message. */
  @Test
  void messageOfAJobFailure() {
    TaskFailedException e =
        new TaskFailedException(-1, new TaskError("cohort.JobFailed", null, null, 1, null));
    assertThat(e).hasMessage("the job failed: cohort.JobFailed");
    assertThat(e.index()).isEqualTo(-1);
  }

  /** Tests that one attempt is not mentioned, and index 0 is an input. */
  @Test
  void oneAttemptIsNotMentioned() {
    TaskFailedException e =
        new TaskFailedException(0, new TaskError("java.io.IOException", "gone", "n", 1, null));
    assertThat(e).hasMessage("input 0 failed on n: java.io.IOException: gone");
  }

  /** Tests that the cause carries the remote stack trace, and there is none without one. */
  @Test
  void causeCarriesRemoteTrace() {
    String trace = "java.lang.IllegalStateException: x\n\tat com.acme.T.run(T.java:12)";
    TaskFailedException e =
        new TaskFailedException(
            1, new TaskError("java.lang.IllegalStateException", "x", "node-3", 1, trace));

    assertThat(e.remoteTrace()).isEqualTo(trace);
    assertThat(e.getCause())
        .isInstanceOf(TaskFailedException.RemoteTrace.class)
        .hasMessage("remote stack trace:\n" + trace);
    assertThat(e.getCause().toString()).isEqualTo("remote stack trace:\n" + trace);
    assertThat(e.getCause().getStackTrace()).isEmpty();
    assertThat(e.getCause().getCause()).isNull();

    TaskFailedException bare = new TaskFailedException(1, new TaskError("T", "x", null, 1, null));
    assertThat(bare.getCause()).isNull();
  }
}
