package cohort.cli;

import cohort.api.BlobsWanted;
import cohort.client.CohortClient;
import cohort.client.CohortException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the bytes of a file job's files to the nodes that ask for them, through the coordinator: a
 * thread asks the coordinator which files nodes want ({@code GET /jobs/{id}/blobs}, waiting for the
 * next request), and {@value #SENDERS} threads send them ({@code PUT /blobs/...}). Nodes that see
 * the client's files read them in place and ask for nothing, so on one machine, or with shared
 * storage, no file travels. Runs until the job ends or it is closed.
 */
final class FileSender implements AutoCloseable {

  /** Files sent at once. */
  static final int SENDERS = 4;

  /** How long one question to the coordinator waits for a node's request. */
  static final Duration ASK_WAIT = Duration.ofSeconds(10);

  private final CohortClient client;
  private final String jobId;
  private final FileJob files;
  private final ExecutorService senders;
  private final Thread asker;
  private final AtomicInteger sent = new AtomicInteger();
  private volatile boolean closed;
  private volatile String failure;

  private FileSender(CohortClient client, String jobId, FileJob files) {
    this.client = client;
    this.jobId = jobId;
    this.files = files;
    this.senders =
        Executors.newFixedThreadPool(
            SENDERS,
            runnable -> {
              Thread thread = new Thread(runnable, "cohort-send-file");
              thread.setDaemon(true);
              return thread;
            });
    this.asker = new Thread(this::ask, "cohort-files-wanted");
    asker.setDaemon(true);
  }

  /** Starts answering the nodes' requests for the job's files. */
  static FileSender start(CohortClient client, String jobId, FileJob files) {
    FileSender sender = new FileSender(client, jobId, files);
    sender.asker.start();
    return sender;
  }

  private void ask() {
    try {
      while (!closed) {
        BlobsWanted wanted;
        try {
          wanted = client.wantedBlobs(jobId, ASK_WAIT);
        } catch (CohortException e) {
          if (!e.unreachable() || closed) {
            throw e;
          }
          // The coordinator is away (restarting on its data folder): ask again once it is back;
          // the results reader gives up on it, and closes this, after its reconnect timeout.
          Thread.sleep(AWAY_PAUSE.toMillis());
          continue;
        }
        for (String blob : wanted.blobs()) {
          senders.execute(() -> send(blob));
        }
        if (wanted.ended()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!closed) {
        failure = e.getMessage();
      }
    }
  }

  /** How long to wait before asking a coordinator that could not be reached again. */
  private static final java.time.Duration AWAY_PAUSE = java.time.Duration.ofMillis(500);

  private void send(String blob) {
    try {
      client.sendBlob(blob, files.fileOf(blob));
      sent.incrementAndGet();
    } catch (RuntimeException e) {
      if (!closed) {
        failure = "cannot send " + blob + ": " + e.getMessage();
      }
    }
  }

  /** How many files went through the cluster to nodes that did not see them. */
  int sent() {
    return sent.get();
  }

  /** Why answering the nodes broke, if it did while the job ran. */
  String failure() {
    return failure;
  }

  @Override
  public void close() {
    closed = true;
    asker.interrupt();
    senders.shutdownNow();
  }
}
