package io.rrs.demo;

import io.rrs.cli.CommandProvider;

/** Registers {@code rrs demo} (the whole pipeline) with the runtime's command line, replacing its placeholder (ServiceLoader). */
public final class DemoCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new DemoCommand();
    }
}
