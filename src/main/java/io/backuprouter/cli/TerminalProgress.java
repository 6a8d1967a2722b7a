package io.backuprouter.cli;

import io.backuprouter.files.BackupProgress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar (files and bytes, rate, ETA) when the output is a terminal; nothing otherwise. */
final class TerminalProgress implements BackupProgress, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TerminalProgress.class);
    private final String task;
    private ProgressBar bar;
    private long readBytes;

    private TerminalProgress(String task) {
        this.task = task;
    }

    static TerminalProgress forTask(String task) {
        return new TerminalProgress(task);
    }

    private static boolean terminal() {
        return System.console() != null;
    }

    @Override
    public synchronized void toRead(long files, long bytes) {
        if (terminal() && bytes > 0) {
            // Content is read twice: once to hash it, once to pack it.
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, 2 * bytes / (1 << 20)))
                    .setUnit(" MiB", 1).setStyle(ProgressBarStyle.ASCII).showSpeed().build();
            bar.setExtraMessage(files + " files");
        }
    }

    @Override
    public synchronized void read(long bytes) {
        if (bar != null) {
            readBytes += bytes;
            bar.stepTo(Math.min(bar.getMax(), readBytes >> 20));
        }
    }

    @Override
    public synchronized void step(String text) {
        // With --verbose the steps are logged with their times: where a run spends its time.
        LOG.debug("{}: {}", task, text);
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.stepTo(bar.getMax());
            bar.close();
        }
    }
}
