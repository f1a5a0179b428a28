package io.rrs.cli;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code rrs} command line. */
@Command(name = "rrs", mixinStandardHelpOptions = true, version = "rrs 0.1.0",
        description = "Representation-reshaping safety alignment for audio language models, and the embedded guard.",
        subcommands = {DoctorCommand.class})
public final class Rrs implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Builds the command line with the runtime's commands and every provider found on the class path. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Rrs());
        for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
            cl.addSubcommand(provider.command());
        }
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
