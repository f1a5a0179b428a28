package io.rrs.sft;

import io.rrs.cli.CommandProvider;

/** Scope: registers {@code rrs sft} with the runtime's command line through the ServiceLoader. */
public final class SftCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new SftCommand();
    }
}
