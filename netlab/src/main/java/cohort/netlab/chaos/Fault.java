package cohort.netlab.chaos;

/** The faults the chaos run injects. */
enum Fault {
  /** A node's JVM killed with SIGKILL, as in a crash; a new node starts on its host later. */
  KILL_NODE("kill -9 of a node"),
  /** A node frozen with SIGSTOP for 1 to 8 s, then thawed with SIGCONT. */
  FREEZE_NODE("SIGSTOP, then SIGCONT, of a node"),
  /** A node stopped with SIGTERM: it drains and leaves; a new node starts on its host. */
  STOP_NODE("SIGTERM of a node"),
  /** A node's host cut off the network for 1 to 10 s, then plugged back in. */
  CUT_LINK("a node host's link cut, then healed"),
  /** The coordinator killed with SIGKILL and started again on its data folder. */
  KILL_COORDINATOR("kill -9 and restart of the coordinator");

  private final String description;

  Fault(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }
}
