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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeStatus(
    String address, String status, int slots, int busy, List<String> tasks, String direct) {}
