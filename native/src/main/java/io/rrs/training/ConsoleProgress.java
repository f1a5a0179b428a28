package io.rrs.training;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Scope: a {@link Progress} drawn as a console progress bar (me.tongfei.progressbar) with a message such as the loss. */
public final class ConsoleProgress implements Progress, AutoCloseable {
    private final String task;
    private final String unit;
    private final boolean show;
    private ProgressBar bar;

    /** {@code show} false (a command's {@code --no-progress}): updates are ignored and nothing is drawn. */
    public ConsoleProgress(String task, String unit, boolean show) {
        this.task = task;
        this.unit = unit;
        this.show = show;
    }

    @Override
    public void update(long done, long total, String message) {
        if (!show) return;
        if (bar == null) {
            // stderr, so stdout stays clean for results; built on the first update, when the total is known
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(message);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
        bar = null; // closing twice is harmless
    }
}
