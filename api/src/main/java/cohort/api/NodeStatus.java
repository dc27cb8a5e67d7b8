package cohort.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A node as {@code GET /cluster} shows it.
 *
 * @param address the node's cluster address
 * @param status {@code UP}; {@code UNREACHABLE} while the failure detector doubts it; {@code
 *     DRAINING} while it shuts down
 * @param slots how many inputs it runs at once
 * @param busy slots running or holding work for a job now
 * @param tasks the tasks it offers
 * @param direct where it takes direct calls from clients ({@code host:port}); absent when it takes
 *     none
 * @param joinedAt when it registered with the coordinator, ISO-8601; absent from an older
 *     coordinator
 * @param inputsDone inputs it reported a result for since it joined, ok or failed
 * @param inputsFailed those of them that failed there (some may have run again elsewhere)
 * @param heapUsedBytes heap in use in its JVM at its last report (every {@code
 *     cohort.node.stats-every}); absent before its first
 * @param heapMaxBytes the most heap its JVM may have; absent before its first report or without a
 *     limit
 * @param cpuLoad its JVM process's share of its machine's CPU, 0 to 1; absent when unknown
 * @param labels its labels ({@code cohort node --label}), such as {@code ["gpu", "zone=a"]}; empty
 *     for none, absent from an older coordinator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeStatus(
    String address,
    String status,
    int slots,
    int busy,
    List<String> tasks,
    String direct,
    String joinedAt,
    long inputsDone,
    long inputsFailed,
    Long heapUsedBytes,
    Long heapMaxBytes,
    Double cpuLoad,
    List<String> labels) {}
