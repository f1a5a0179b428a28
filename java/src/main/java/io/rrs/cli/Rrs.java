package io.rrs.cli;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code rrs} command line. */
@Command(name = "rrs", mixinStandardHelpOptions = true, version = "rrs 0.1.0",
        description = "Representation-reshaping safety alignment for audio language models, and the embedded guard.",
        subcommands = {DemoCommand.class, FeaturesCommand.class, DoctorCommand.class, io.rrs.guard.GuardCommand.class})
public final class Rrs implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /**
     * Builds the command line with the runtime's commands and every provider found on the class path. A
     * provider's command replaces a runtime command of the same name (the runtime's {@code demo} is a
     * placeholder for the pipeline that rrs-export provides).
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Rrs());
        for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
            CommandLine sub = new CommandLine(provider.command());
            String name = sub.getCommandName();
            if (cl.getSubcommands().containsKey(name)) cl.getCommandSpec().removeSubcommand(name);
            cl.addSubcommand(name, sub);
        }
        cl.setExecutionExceptionHandler(Rrs::reportFailure);
        return cl;
    }

    /**
     * Expected failures (bad files, bad options, failed checks) print one line naming the command
     * and the problem; the stack trace only with RRS_DEBUG=1, since users act on the message.
     */
    static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String message = e instanceof java.nio.file.NoSuchFileException nsf
                ? "no such file: " + nsf.getFile()
                : e instanceof java.nio.file.AccessDeniedException ade
                ? "permission denied: " + ade.getFile()
                : e.getMessage() != null ? e.getMessage() : e.toString();
        cmd.getErr().println(cmd.getCommandName() + ": " + message);
        if (System.getenv("RRS_DEBUG") != null) e.printStackTrace(cmd.getErr());
        return 1;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
