package io.rrs.export;

import io.rrs.cli.CommandProvider;

/** Registers {@code rrs export} with the runtime's command line (ServiceLoader). */
public final class ExportCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new ExportCommand();
    }
}
