package io.rrs.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code rrs demo} when only the runtime is on the class path. The demo itself (dataset, base model,
 * RRS, evaluation, export, guard) needs the trainer and the exporter; rrs-export registers it through
 * {@link CommandProvider}, and {@link Rrs#commandLine()} lets that command replace this placeholder.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The main job on the embedded default. Needs the trainer and exporter modules (rrs-export) on the class path, "
                + "as the ./rrs launcher of the repository has them.")
public final class DemoCommand implements Callable<Integer> {
    /** A usage error: the command line names a command this runtime-only build lacks. */
    @Override
    public Integer call() {
        throw new UsageException("the pipeline needs the trainer and exporter (rrs-export) on the class path, "
                + "which this runtime-only build lacks; run ./rrs demo from the repository");
    }
}
