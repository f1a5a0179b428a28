package io.rrs.pretrain;

import io.rrs.training.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Scope: the console progress bar of {@code rrs pretrain} (stderr, so stdout stays for the result), showing the loss. */
final class PretrainProgress implements Progress, AutoCloseable {
    private ProgressBar bar;
    private String taskName = "pretrain";

    /** Ends the current bar; the next update starts a new one named {@code name} (one bar per stage of a recipe). */
    void nextStage(String name) {
        close();
        bar = null;
        taskName = name;
    }

    @Override
    public void update(long done, long total, String message) {
        if (bar == null)
            bar = new ProgressBarBuilder().setTaskName(taskName).setInitialMax(total).setUnit(" steps", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).build();
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(message);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
