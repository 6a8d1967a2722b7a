package io.backuprouter.backup;

import com.fasterxml.jackson.core.type.TypeReference;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.backup.JobState.Damaged;
import io.backuprouter.backup.JobState.HistoryEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's {@code history.json}: the snapshots this machine made, and on which targets each is
 * committed. Read without the lock by the commands that list or check snapshots; rewritten (atomically)
 * by a run that holds the job's lock, through {@link JobState}, whose methods document each change.
 */
final class JobHistory {
    /** JobState's logger: the warnings about this file are logged as the job state's. */
    private static final Logger LOG = LoggerFactory.getLogger(JobState.class);
    private static final String FILE = "history.json";
    /** Damaged versions of history files already warned about, as {@code <file>@<time>}. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final Path dir;

    /** The history in a job's state folder, for a run that holds its lock. */
    JobHistory(Path dir) {
        this.dir = dir;
    }

    /** See {@link JobState#history()}: a damaged file is moved aside and the record starts again. */
    List<HistoryEntry> forRewrite() throws IOException {
        try {
            return parse(dir);
        } catch (Damaged e) {
            Path aside = JobState.movedAside(dir.resolve(FILE));
            LOG.warn("{}; moved to {}; this machine's record of past runs starts again", e.getMessage(), aside);
            return List.of();
        }
    }

    /** See {@link JobState#committed(Path, String)}. */
    static Set<String> committed(Path dir, String target) throws IOException {
        Set<String> ids = new HashSet<>();
        read(dir).stream().filter(h -> h.targets() != null && !h.targets().isEmpty())
                .filter(h -> target == null || h.targets().contains(target)).forEach(h -> ids.add(h.id()));
        return ids;
    }

    /** See {@link JobState#readHistory(Path)}: a damaged file is warned about once per version, and left. */
    static List<HistoryEntry> read(Path dir) throws IOException {
        try {
            return parse(dir);
        } catch (Damaged e) {
            // One command may read it more than once: said once for each version of the file.
            String version = lastModified(dir.resolve(FILE));
            if (version == null || WARNED.add(dir.resolve(FILE) + "@" + version)) {
                LOG.warn("{}; going on without this machine's record of past runs (the next backup moves it aside)",
                        e.getMessage());
            }
            return List.of();
        }
    }

    /** The file's time, or null when it cannot be read (moved aside meanwhile, say). */
    private static String lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static List<HistoryEntry> parse(Path dir) throws IOException {
        return JobState.readList(dir.resolve(FILE), new TypeReference<>() { });
    }

    /**
     * Adds the target to (or removes it from) the snapshots whose manifests these keys are; see
     * {@link JobState#forgotten} and {@link JobState#caughtUp}.
     */
    void retarget(String target, Collection<String> keys, boolean add) throws IOException {
        if (keys.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>();
        for (String key : keys) {
            io.backuprouter.catalog.SnapshotIds.fromKey(key.substring(Math.max(0, key.lastIndexOf("snapshots/"))))
                    .ifPresent(ids::add);
        }
        Predicate<HistoryEntry> changes = h -> ids.contains(h.id())
                && (h.targets() != null && h.targets().contains(target)) != add;
        List<HistoryEntry> before = forRewrite();
        if (before.stream().noneMatch(changes)) {
            return;
        }
        List<HistoryEntry> history = before.stream().map(h -> !changes.test(h) ? h
                : new HistoryEntry(h.id(), h.time(), h.files(), h.bytes(), h.addedBytes(), add
                ? Stream.concat(h.targets() == null ? Stream.empty() : h.targets().stream(),
                        Stream.of(target)).toList()
                : h.targets().stream().filter(t -> !t.equals(target)).toList(), h.unchangedAt())).toList();
        save(history);
    }

    /** See {@link JobState#checkedUnchanged}. */
    void checkedUnchanged(Snapshot snapshot, List<String> targets, Instant at) throws IOException {
        List<HistoryEntry> history = new ArrayList<>(forRewrite());
        int index = -1;
        for (int i = history.size() - 1; i >= 0 && index < 0; i--) {
            index = history.get(i).id().equals(snapshot.id()) ? i : -1;
        }
        if (index >= 0) {
            HistoryEntry h = history.get(index);
            history.set(index, new HistoryEntry(h.id(), h.time(), h.files(), h.bytes(), h.addedBytes(), h.targets(), at));
        } else {
            // Made before this machine's record began (a lost state folder, another machine): it is known now.
            history.add(new HistoryEntry(snapshot.id(), snapshot.time(), snapshot.stats().files(), snapshot.stats().bytes(),
                    snapshot.stats().addedBytes(), targets, at));
        }
        save(history);
    }

    /** See {@link JobState#recovered}. */
    void recovered(Snapshot snapshot, List<String> targets) throws IOException {
        List<HistoryEntry> history = new ArrayList<>(forRewrite());
        if (history.stream().anyMatch(h -> h.id().equals(snapshot.id()))) {
            for (String target : targets) {
                retarget(target, List.of(snapshot.key()), true);
            }
            return;
        }
        int at = history.size();
        while (at > 0 && history.get(at - 1).time().isAfter(snapshot.time())) {
            at--;
        }
        history.add(at, new HistoryEntry(snapshot.id(), snapshot.time(), snapshot.stats().files(), snapshot.stats().bytes(),
                snapshot.stats().addedBytes(), List.copyOf(targets), null));
        save(history);
    }

    /** Records a snapshot a run just made, after the others. */
    void append(HistoryEntry entry) throws IOException {
        List<HistoryEntry> history = new ArrayList<>(forRewrite());
        history.add(entry);
        save(history);
    }

    private void save(List<HistoryEntry> history) throws IOException {
        JobState.write(dir, FILE, out -> Manifests.json().writeValue(out, history));
    }
}
