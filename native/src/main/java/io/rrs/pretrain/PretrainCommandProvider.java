package io.rrs.pretrain;

import io.rrs.cli.CommandProvider;

/** Scope: registers {@code rrs pretrain} with the runtime's command line through the ServiceLoader. */
public final class PretrainCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new PretrainCommand();
    }
}
