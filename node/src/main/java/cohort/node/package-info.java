/**
 * A node JVM: {@link cohort.node.NodeApp}, which starts a node, and the {@link cohort.node.Worker}
 * actor that owns the node's slots. The worker routes messages; plain classes decide: {@link
 * cohort.node.NodeBatches} keeps the batches the node holds and what their coordinator hears of
 * them, using {@link cohort.node.SlotSchedule} (which batches run on which slot), {@link
 * cohort.node.Watchdog} (which inputs to interrupt, which threads to give up) and {@link
 * cohort.node.Outbox} (how starts and results travel back); {@link cohort.node.SlotThreads} run the
 * batches with {@link cohort.node.BatchRunner}; {@link cohort.node.TaskBinder} binds tasks found by
 * the {@link cohort.node.TaskRegistry} off the actor.
 */
package cohort.node;
