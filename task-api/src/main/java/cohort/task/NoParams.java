package cohort.task;

/** The parameter type of a task that takes no parameters; any parameter given is refused. */
public record NoParams() {}
