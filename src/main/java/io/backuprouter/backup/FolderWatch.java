package io.backuprouter.backup;

import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a source folder (recursively, with the platform's file events) and says when it has
 * changed and then stayed quiet for a while: the moment to back it up, as SiYuan's automatic sync
 * does. It starts "changed", so that the first check after start-up backs up whatever changed
 * while nothing was watching; and it says "changed" again when it has not for the recheck period,
 * so that a quiet folder is looked at now and then: file events miss changes made by other machines
 * on a network share, and a job that never runs cannot tell a quiet folder from a stalled backup.
 */
public final class FolderWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatch.class);

    private final Duration quietPeriod;
    private final Duration recheck;
    private final Clock clock;
    private final AtomicReference<Instant> lastChange;
    private volatile Instant lastTaken;
    private final DirectoryWatcher watcher;

    public FolderWatch(Path folder, Duration quietPeriod, Duration recheck, Clock clock) throws IOException {
        this.quietPeriod = quietPeriod;
        this.recheck = recheck;
        this.clock = clock;
        this.lastChange = new AtomicReference<>(clock.instant().minus(quietPeriod));
        this.lastTaken = clock.instant();
        this.watcher = DirectoryWatcher.builder().path(folder).fileHashing(false)
                .listener(event -> {
                    if (!event.isDirectory() || event.eventType() != io.methvin.watcher.DirectoryChangeEvent.EventType.MODIFY) {
                        lastChange.set(clock.instant());
                    }
                })
                .build();
        watcher.watchAsync().exceptionally(e -> {
            LOG.warn("Watching {} stopped: {}", folder, e.getMessage());
            return null;
        });
    }

    /**
     * Whether the folder changed since the last time this answered true and has been quiet for the
     * quiet period since, or the recheck period has passed since then without a change. Answering
     * true clears the change, so changes made during the backup that follows make it answer true
     * again later.
     */
    public boolean takeQuietChange() {
        Instant now = clock.instant();
        Instant changed = lastChange.get();
        boolean taken;
        if (changed == null) {
            taken = Duration.between(lastTaken, now).compareTo(recheck) >= 0;
        } else {
            taken = Duration.between(changed, now).compareTo(quietPeriod) >= 0 && lastChange.compareAndSet(changed, null);
        }
        if (taken) {
            lastTaken = now;
        }
        return taken;
    }

    /**
     * A backup of the changes failed (nothing was committed): say "changed" again once this delay has
     * passed, unless a new change comes first.
     */
    public void retryIn(Duration delay) {
        lastChange.set(clock.instant().plus(delay).minus(quietPeriod));
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("Closing the folder watch: {}", e.getMessage());
        }
    }
}
