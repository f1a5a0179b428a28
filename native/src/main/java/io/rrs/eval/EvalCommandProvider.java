package io.rrs.eval;

import io.rrs.cli.CommandProvider;

/** Scope: registers {@code rrs eval} with the runtime's command line through the ServiceLoader. */
public final class EvalCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new EvalCommand();
    }
}
