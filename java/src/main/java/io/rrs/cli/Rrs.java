package io.rrs.cli;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code rrs} command line. */
@Command(name = "rrs", mixinStandardHelpOptions = true, version = "rrs 0.1.0",
        description = "Representation-reshaping safety alignment for audio language models, and the embedded guard.",
        subcommands = {DemoCommand.class, FeaturesCommand.class, DoctorCommand.class})
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
        cl.setParameterExceptionHandler(Rrs::reportUsage);
        return cl;
    }

    /**
     * The one failure handler of every command: a failure prints one line naming the command and the
     * problem (plus the resume hint of a {@link Resumable} command) and ends with its {@link ExitCodes}
     * code; the stack trace only with RRS_DEBUG=1, since users act on the message.
     */
    static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        int code = ExitCodes.of(e);
        cmd.getOut().flush();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + message(e));
        if (code == ExitCodes.FAILED && cmd.getCommand() instanceof Resumable r) err.println("(" + r.resumeHint() + ")");
        debug(e, err);
        return code;
    }

    /** A command line picocli cannot parse: the problem, picocli's suggestions, where the options are listed; exit {@link ExitCodes#USAGE}. */
    static int reportUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("'" + name + " --help' lists the options");
        debug(e, err);
        return ExitCodes.USAGE;
    }

    private static String message(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException nsf
                ? "no such file: " + nsf.getFile()
                : e instanceof java.nio.file.AccessDeniedException ade
                ? "permission denied: " + ade.getFile()
                : e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static void debug(Exception e, PrintWriter err) {
        if (System.getenv("RRS_DEBUG") != null) e.printStackTrace(err);
        err.flush();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
