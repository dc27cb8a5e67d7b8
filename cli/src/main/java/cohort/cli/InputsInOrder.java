package cohort.cli;

import java.util.Stack;
import picocli.CommandLine;

/**
 * Puts each INPUT of {@code cohort submit} and each value of its {@code --input} into {@link
 * SubmitCommand#inputs}, in the order of the command line. The value of {@code --input} is the next
 * argument whatever it looks like: an option's name, {@code --}, a negative number; that is how an
 * input that starts with {@code -} is given, since {@code --} already introduces exec's command.
 */
final class InputsInOrder implements CommandLine.IParameterConsumer {

  @Override
  public void consumeParameters(
      Stack<String> args,
      CommandLine.Model.ArgSpec argSpec,
      CommandLine.Model.CommandSpec commandSpec) {
    if (args.isEmpty()) {
      throw new CommandLine.ParameterException(
          commandSpec.commandLine(), "--input needs a value, such as --input -x");
    }
    SubmitCommand submit = commandSpec.commandLine().getCommand();
    submit.inputs.add(args.pop());
  }
}
