package cohort.protocol;

import cohort.api.TaskError;
import cohort.api.TaskInfo;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Messages the coordinator receives from nodes. */
public interface CoordinatorProtocol {

  /**
   * Every message the coordinator accepts. Only the records here cross JVMs; the coordinator's
   * local messages implement this interface too but not {@link CborSerializable}.
   */
  interface Command {}

  /** The receptionist key under which the coordinator registers; nodes find it there. */
  ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "cohort-coordinator");

  /**
   * Version of this protocol. A node with another version is refused at registration, so a cluster
   * never runs with two builds that read messages differently.
   */
  int VERSION = 10;

  /** Name of the actor system on every Cohort JVM; cluster addresses include it. */
  String SYSTEM_NAME = "cohort";

  /** Cluster role of the coordinator's member; nodes have the role {@code node}. */
  String COORDINATOR_ROLE = "coordinator";

  /**
   * A node's worker offers its slots and tasks. Sent again whenever a coordinator appears, so a
   * restarted coordinator learns its nodes; a repeat from the same worker is harmless.
   *
   * @param worker the node's worker actor
   * @param slots how many inputs the node runs at once
   * @param tasks the tasks this node can run
   * @param version {@link #VERSION} of the node's build
   * @param direct where the node takes direct calls from clients ({@code host:port}), or null when
   *     it takes none
   * @param shippedCode whether the node runs tasks whose code comes with the job ({@link
   *     TaskSpec#code()}); false when it was started with {@code --no-shipped-code}
   * @param labels the node's labels as written ({@code gpu}, {@code zone=a}; {@code cohort node
   *     --label}); empty for none
   */
  record RegisterNode(
      ActorRef<WorkerProtocol.Command> worker,
      int slots,
      List<TaskInfo> tasks,
      int version,
      String direct,
      boolean shippedCode,
      List<String> labels)
      implements Command, CborSerializable {
    public RegisterNode {
      Objects.requireNonNull(worker, "worker");
      tasks = List.copyOf(tasks);
      labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** A node without labels. */
    public RegisterNode(
        ActorRef<WorkerProtocol.Command> worker,
        int slots,
        List<TaskInfo> tasks,
        int version,
        String direct,
        boolean shippedCode) {
      this(worker, slots, tasks, version, direct, shippedCode, List.of());
    }

    /** A node that runs installed tasks only. */
    public RegisterNode(
        ActorRef<WorkerProtocol.Command> worker,
        int slots,
        List<TaskInfo> tasks,
        int version,
        String direct) {
      this(worker, slots, tasks, version, direct, false);
    }
  }

  /**
   * A node's progress since its last report, in one message: the batches its slots started, and the
   * results of small batches that succeeded whole. Column by column, so that the many small batches
   * of tiny tasks cost little to encode and decode. Other results travel as {@link BatchFinished},
   * after this message.
   *
   * <p>A batch is reported started when its slot thread takes it up, so the coordinator knows
   * exactly which batches a node was running when it is lost: only those count a failure against
   * their inputs. A batch the node lost before its start was reported runs again with {@link
   * WorkerProtocol.RunBatch#confirmStart()}, so its next start is known before it runs.
   *
   * @param worker the node's worker
   * @param jobs the distinct jobs named here
   * @param job each finished batch's job, as an index into {@code jobs}
   * @param batchIds each finished batch's id
   * @param busyNanos time the task spent on each finished batch
   * @param outputs each finished batch's outputs
   * @param startedJob each started batch's job, as an index into {@code jobs}
   * @param startedIds each started batch's id
   * @param counters each finished batch's counter additions, null where it has none; null when none
   *     has any
   */
  record BatchProgress(
      ActorRef<WorkerProtocol.Command> worker,
      List<String> jobs,
      int[] job,
      long[] batchIds,
      long[] busyNanos,
      List<Values> outputs,
      int[] startedJob,
      long[] startedIds,
      List<CounterDeltas> counters)
      implements Command, CborSerializable {

    /** Whether a part may travel in this message: a whole batch, without failures. */
    public static boolean fits(BatchFinished part) {
      return part.fromOffset() == 0 && part.last() && part.failures().isEmpty();
    }

    /**
     * Packs batches started and whole, successful batch results of one worker.
     *
     * @param started the batches started, as (job, batch id) keys
     */
    public static BatchProgress of(
        ActorRef<WorkerProtocol.Command> worker,
        List<BatchFinished> parts,
        List<BatchKey> started) {
      List<String> jobs = new ArrayList<>();
      int n = parts.size();
      int[] job = new int[n];
      long[] batchIds = new long[n];
      long[] busy = new long[n];
      List<Values> outputs = new ArrayList<>(n);
      List<CounterDeltas> counters = null;
      for (int i = 0; i < n; i++) {
        BatchFinished part = parts.get(i);
        if (!fits(part)) {
          throw new IllegalArgumentException("batch " + part.batchId() + " must travel alone");
        }
        job[i] = indexOf(jobs, part.jobId());
        batchIds[i] = part.batchId();
        busy[i] = part.busyNanos();
        outputs.add(part.outputs());
        if (part.counters() != null && counters == null) {
          counters = new ArrayList<>(java.util.Collections.nCopies(n, null));
        }
        if (counters != null) {
          counters.set(i, part.counters());
        }
      }
      int[] startedJob = new int[started.size()];
      long[] startedIds = new long[started.size()];
      for (int i = 0; i < started.size(); i++) {
        startedJob[i] = indexOf(jobs, started.get(i).job());
        startedIds[i] = started.get(i).batch();
      }
      return new BatchProgress(
          worker, jobs, job, batchIds, busy, outputs, startedJob, startedIds, counters);
    }

    private static int indexOf(List<String> jobs, String job) {
      int known = jobs.indexOf(job);
      if (known < 0) {
        known = jobs.size();
        jobs.add(job);
      }
      return known;
    }

    /** The results, one record each. */
    public List<BatchFinished> parts() {
      List<BatchFinished> parts = new ArrayList<>(batchIds.length);
      for (int i = 0; i < batchIds.length; i++) {
        parts.add(
            new BatchFinished(
                jobs.get(job[i]),
                batchIds[i],
                0,
                outputs.get(i),
                List.of(),
                true,
                busyNanos[i],
                worker,
                counters == null ? null : counters.get(i)));
      }
      return parts;
    }

    /** The batches started. */
    public List<BatchKey> started() {
      List<BatchKey> keys = new ArrayList<>(startedIds.length);
      for (int i = 0; i < startedIds.length; i++) {
        keys.add(new BatchKey(jobs.get(startedJob[i]), startedIds[i]));
      }
      return keys;
    }
  }

  /**
   * A batch of a job, named across the cluster.
   *
   * @param job the job's id
   * @param batch the batch's id within the job
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"job", "batch"})
  record BatchKey(String job, long batch) implements CborSerializable {
    public BatchKey {
      Objects.requireNonNull(job, "job");
    }

    @Override
    public String toString() {
      return job + "#" + batch;
    }
  }

  /**
   * A node's slot is about to start a batch sent with {@link
   * WorkerProtocol.RunBatch#confirmStart()}, and waits for {@link WorkerProtocol.StartConfirmed}
   * before it runs it.
   */
  record StartRequested(ActorRef<WorkerProtocol.Command> worker, BatchKey batch)
      implements Command, CborSerializable {}

  /**
   * Answer to {@link WorkerProtocol.ReturnQueued}: the node gave these batches back; none of their
   * inputs ran there, and none will.
   */
  record BatchesReturned(ActorRef<WorkerProtocol.Command> worker, List<BatchKey> batches)
      implements Command, CborSerializable {
    public BatchesReturned {
      batches = List.copyOf(batches);
    }
  }

  /**
   * The node is shutting down: send it nothing more. It finishes or returns what it holds, then
   * leaves the cluster.
   */
  record NodeDraining(ActorRef<WorkerProtocol.Command> worker)
      implements Command, CborSerializable {}

  /**
   * A node's own figures, sent to every coordinator it registered with every {@code
   * cohort.node.stats-every}: the coordinator shows them in {@code GET /cluster} and {@code GET
   * /metrics}, so Prometheus scrapes one target for the whole cluster.
   *
   * @param heapUsedBytes the node JVM's heap in use
   * @param heapMaxBytes the most heap it may have, or -1 when it has no limit
   * @param processCpuLoad the JVM process's share of the machine's CPU, 0 to 1, or -1 when the JVM
   *     cannot tell
   */
  record NodeStats(
      ActorRef<WorkerProtocol.Command> worker,
      long heapUsedBytes,
      long heapMaxBytes,
      double processCpuLoad)
      implements Command, CborSerializable {
    public NodeStats {
      Objects.requireNonNull(worker, "worker");
    }
  }

  /** How an input failed, which decides whether it is run again. */
  enum FailureKind {
    /** The task threw: retried up to the job's {@code retries}. */
    TASK,
    /** The input ran past the job's task timeout: a system failure, retried up to max-attempts. */
    TIMEOUT,
    /** The input could not be converted to the task's input type: never retried. */
    INPUT,
    /**
     * The input's task took its JVM down (it called {@code System.exit}): a system failure, retried
     * up to max-attempts on other nodes, then quarantined.
     */
    CRASH;

    /** Whether this failure counts against max-attempts rather than retries. */
    public boolean system() {
      return this == TIMEOUT || this == CRASH;
    }
  }

  /**
   * One input of a batch that has no output.
   *
   * @param offset position of the input within its batch
   * @param kind what kind of failure it was
   * @param error the failure, with the remote exception's type, message and trace
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"offset", "kind", "error"})
  record InputFailure(int offset, FailureKind kind, TaskError error) implements CborSerializable {}

  /**
   * Results of a batch, or of a part of it: a node splits the results of a large batch into parts
   * so that no message outgrows the transport's frame.
   *
   * @param jobId the job
   * @param batchId the batch, as in {@link WorkerProtocol.RunBatch}
   * @param fromOffset batch offset of {@code outputs.get(0)}
   * @param outputs one entry per input from {@code fromOffset}; an entry whose offset appears in
   *     {@code failures} is a placeholder
   * @param failures the inputs among these that failed; on the last part also inputs beyond the
   *     outputs that failed without output (an abandoned or crashing input)
   * @param last true on the batch's final part; inputs it covers neither with an output nor with a
   *     failure did not run (the node stopped early) and run again elsewhere
   * @param busyNanos time the task spent on these inputs, for batch sizing
   * @param worker the node's worker that ran them
   * @param counters what the tasks of these inputs added to the job's counters, by batch offset;
   *     null when they touched none
   */
  // Sent once per batch (or part), so encoded as an array: no field names to write and look up.
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({
    "jobId",
    "batchId",
    "fromOffset",
    "outputs",
    "failures",
    "last",
    "busyNanos",
    "worker",
    "counters"
  })
  record BatchFinished(
      String jobId,
      long batchId,
      int fromOffset,
      Values outputs,
      List<InputFailure> failures,
      boolean last,
      long busyNanos,
      ActorRef<WorkerProtocol.Command> worker,
      CounterDeltas counters)
      implements Command, CborSerializable {
    public BatchFinished {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(worker, "worker");
      Objects.requireNonNull(outputs, "outputs");
      failures = List.copyOf(failures);
    }

    /** Results whose tasks touched no counter. */
    public BatchFinished(
        String jobId,
        long batchId,
        int fromOffset,
        Values outputs,
        List<InputFailure> failures,
        boolean last,
        long busyNanos,
        ActorRef<WorkerProtocol.Command> worker) {
      this(jobId, batchId, fromOffset, outputs, failures, last, busyNanos, worker, null);
    }
  }
}
