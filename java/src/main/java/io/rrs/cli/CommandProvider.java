package io.rrs.cli;

/**
 * Lets modules beyond the runtime (trainer, exporter) add subcommands to {@code rrs} without the
 * runtime depending on them: implementations are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/io.rrs.cli.CommandProvider}).
 */
public interface CommandProvider {
    /** A picocli {@code @Command}-annotated object to register as a subcommand of {@code rrs}. */
    Object command();
}
