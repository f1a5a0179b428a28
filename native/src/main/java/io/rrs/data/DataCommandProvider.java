package io.rrs.data;

import io.rrs.cli.CommandProvider;

/** Scope: registers {@code rrs data} with the runtime's command line through the ServiceLoader. */
public final class DataCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new DataCommand();
    }
}
