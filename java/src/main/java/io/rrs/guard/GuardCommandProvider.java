package io.rrs.guard;

import io.rrs.cli.CommandProvider;

/** Scope: registers {@code rrs guard} with the command line through the ServiceLoader, so the CLI does not depend on the guard. */
public final class GuardCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new GuardCommand();
    }
}
