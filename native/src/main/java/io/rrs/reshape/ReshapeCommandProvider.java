package io.rrs.reshape;

import io.rrs.cli.CommandProvider;

/** Scope: registers {@code rrs reshape} with the runtime's command line through the ServiceLoader. */
public final class ReshapeCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new ReshapeCommand();
    }
}
