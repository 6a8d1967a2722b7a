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
 * while nothing was watching.
 */
public final class FolderWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatch.class);

    private final Duration quietPeriod;
    private final Clock clock;
    private final AtomicReference<Instant> lastChange;
    private final DirectoryWatcher watcher;

    public FolderWatch(Path folder, Duration quietPeriod, Clock clock) throws IOException {
        this.quietPeriod = quietPeriod;
        this.clock = clock;
        this.lastChange = new AtomicReference<>(clock.instant().minus(quietPeriod));
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
     * quiet period since. Answering true clears the change, so changes made during the backup that
     * follows make it answer true again later.
     */
    public boolean takeQuietChange() {
        Instant changed = lastChange.get();
        if (changed == null || Duration.between(changed, clock.instant()).compareTo(quietPeriod) < 0) {
            return false;
        }
        return lastChange.compareAndSet(changed, null);
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
