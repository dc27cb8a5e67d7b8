package cohort.api;

/**
 * A node that left the cluster recently, as {@code GET /cluster} lists it.
 *
 * @param address the node's cluster address
 * @param joinedAt when it had registered, ISO-8601
 * @param leftAt when it left, ISO-8601
 * @param why in plain words: {@code left} (it shut down as asked), {@code downed as unreachable}
 *     (it stopped answering: crashed, killed or cut off), {@code it stopped} (its worker stopped),
 *     {@code it was removed from the cluster}
 * @param inputsDone inputs it reported a result for while it was in the cluster
 * @param inputsFailed those of them that failed there
 */
public record DepartedNode(
    String address,
    String joinedAt,
    String leftAt,
    String why,
    long inputsDone,
    long inputsFailed) {}
