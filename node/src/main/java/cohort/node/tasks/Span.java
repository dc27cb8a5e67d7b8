package cohort.node.tasks;

/**
 * A half-open integer range {@code [start, end)}, the input of {@code sum-range}. {@code --split K}
 * makes inputs of this shape: {@code {"start":0,"end":15625000}}.
 *
 * @param start the first integer
 * @param end one past the last integer
 */
public record Span(long start, long end) {}
