package cohort.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * What a {@link Worker} starts with.
 *
 * @param slots inputs run at once
 * @param registry the tasks this node offers
 * @param executor runs batches, one per slot thread; grown when a thread is given up, shut down
 *     when the worker stops
 * @param registered completed with the coordinator's address once it accepts this node, or
 *     exceptionally when it refuses
 * @param direct where the node takes direct calls ({@code host:port}), or null
 * @param access what the coordinator's registration tells: where it serves files and code, the node
 *     token
 * @param startReportDelay how long a batch runs before its start is reported; zero at once
 */
record WorkerSetup(
    int slots,
    TaskRegistry registry,
    ThreadPoolExecutor executor,
    CompletableFuture<String> registered,
    String direct,
    NodeAccess access,
    Duration startReportDelay) {}
