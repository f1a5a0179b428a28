package io.rrs.pretrain;

import io.rrs.training.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Scope: the console progress bar of {@code rrs pretrain} and {@code rrs pretrain transcription-error} (stderr, so stdout
 * stays for the result), showing the loss; none at all with {@code --no-progress} (a log file then holds only the
 * per-epoch lines).
 */
final class PretrainProgress implements Progress, AutoCloseable {
    private final boolean show;
    private ProgressBar bar;
    private String taskName;

    PretrainProgress(boolean show, String taskName) {
        this.show = show;
        this.taskName = taskName;
    }

    /** Ends the current bar; the next update starts a new one named {@code name} (one bar per stage of a recipe). */
    void nextStage(String name) {
        close();
        bar = null;
        taskName = name;
    }

    @Override
    public void update(long done, long total, String message) {
        if (!show) return;
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
