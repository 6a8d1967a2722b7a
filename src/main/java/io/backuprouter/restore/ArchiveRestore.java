package io.backuprouter.restore;

import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.repository.ArchiveReader;
import io.backuprouter.repository.JobRepository;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the files one archive holds: reads it from the job's targets in order until every file is
 * in place or every target has failed, each file checked by {@link ArchiveReader} against its record.
 * A copy that is missing, damaged or not decryptable, or an entry that does not match, sends the
 * files still missing to the next target; whatever no target gives is reported file by file, with what
 * each target said.
 */
final class ArchiveRestore implements ArchiveReader.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRestore.class);

    /**
     * What every archive of one restore shares.
     *
     * @param done files placed, and their bytes (guarded by itself)
     */
    record Shared(String job, Map<String, JobRepository> repositories, AgeIdentity identity, int maxExpansion, FilePlacer placer,
                  Map<FileEntry, Path> placeAt, List<String> kept, List<String> problems, List<String> notes,
                  BackupProgress progress, long[] done) {
    }

    private final Shared shared;
    private final ArchiveInfo archive;
    private final Set<FileEntry> remaining;
    /** Per file, what each target that could not give it said. */
    private final Map<FileEntry, List<String>> why = new LinkedHashMap<>();
    private String target;
    private FilePlacer.Temp current;
    private boolean placedHere;

    ArchiveRestore(Shared shared, ArchiveInfo archive, List<FileEntry> files) {
        this.shared = shared;
        this.archive = archive;
        this.remaining = new HashSet<>(files);
    }

    /** Reads the archive from the targets in this order until every file is placed; reports the rest. */
    void run(List<String> targets) throws IOException {
        shared.progress().step("archive " + archive.id());
        List<String> failures = new ArrayList<>();
        boolean wrongKey = false;
        for (String name : targets) {
            if (remaining.isEmpty()) {
                break;
            }
            target = name;
            placedHere = false;
            int before = failures.size();
            try {
                Map<String, List<FileEntry>> wanted = byEntry();
                ArchiveReader reader = shared.repositories().get(name).archives(shared.identity(), shared.maxExpansion());
                // A few files of a large archive: only their ranges; otherwise the archive streams whole.
                Set<String> lacking = ArchiveReader.cheaperByRanges(archive, wanted) ? reader.readPlaced(archive, wanted, this)
                        : reader.read(archive, wanted, false, this);
                remaining.stream().filter(f -> lacking.contains(f.entry())).forEach(f -> because(f, name + ": entry "
                        + f.entry() + " is missing from archive " + archive.key()));
            } catch (ArchiveReader.SinkFailed e) {
                discardCurrent();
                throw stopOr(e.getCause());
            } catch (ArchiveReader.ArchiveUnreadable e) {
                discardCurrent();
                shared.placer().checkNotStopping(); // whatever the read failed with, the program is exiting: not damage
                wrongKey |= e.failure() == ArchiveReader.Failure.WRONG_KEY;
                failures.add(name + ": " + e.getMessage());
                remaining.forEach(f -> because(f, name + ": " + e.getMessage()));
            }
            if (placedHere && before > 0) {
                String after = String.join("; ", failures.subList(0, before));
                shared.notes().add("archive " + archive.key() + " read from target " + name + " after: " + after);
                LOG.warn("Job {}: archive {} read from target {} after: {}", shared.job(), archive.key(), name, after);
            }
            why.values().stream().flatMap(List::stream).filter(w -> w.startsWith(name + ": ") && !failures.contains(w))
                    .forEach(failures::add);
        }
        for (FileEntry file : remaining) {
            List<String> reasons = why.getOrDefault(file, List.of());
            shared.problems().add(file.path() + ": not restored: " + (reasons.isEmpty() ? "no target has archive "
                    + archive.key() : String.join("; ", reasons)));
        }
        if (!remaining.isEmpty() && wrongKey) {
            shared.notes().add("archive " + archive.key() + " cannot be decrypted with " + shared.identity().recipient()
                    + "; hint: give the identity (--identity FILE) whose recipient it was encrypted to;"
                    + " snapshots made before the job's recipients changed need the identity they were made for");
        }
    }

    private void because(FileEntry file, String reason) {
        List<String> reasons = why.computeIfAbsent(file, f -> new ArrayList<>());
        if (!reasons.contains(reason)) {
            reasons.add(reason);
        }
    }

    private Map<String, List<FileEntry>> byEntry() {
        Map<String, List<FileEntry>> byEntry = new LinkedHashMap<>();
        remaining.stream().sorted(java.util.Comparator.comparing(FileEntry::path))
                .forEach(f -> byEntry.computeIfAbsent(f.entry(), e -> new ArrayList<>()).add(f));
        return byEntry;
    }

    @Override
    public OutputStream open(String entry, List<FileEntry> records) throws IOException {
        current = shared.placer().openTemp(shared.placeAt().get(records.get(0)));
        return current.out();
    }

    @Override
    public void checked(String entry, List<FileEntry> matching, Map<FileEntry, String> mismatching) throws IOException {
        if (current == null) { // not found where the manifest says: nothing was read
            mismatching.forEach((file, problem) -> because(file, target + ": archive " + archive.key() + ": " + problem));
            return;
        }
        Path temp = current.path();
        try {
            shared.progress().read(matching.isEmpty() ? 0 : matching.get(0).size()); // progress only: no stat per file
            mismatching.forEach((file, problem) -> because(file, target + ": archive " + archive.key() + ": " + problem));
            for (int i = 0; i < matching.size(); i++) {
                FileEntry file = matching.get(i);
                try {
                    if (shared.placer().place(temp, file, shared.placeAt().get(file), shared.kept(), i == matching.size() - 1)) {
                        synchronized (shared.done()) {
                            shared.done()[0]++;
                            shared.done()[1] += file.size();
                        }
                    }
                    placedHere = true;
                } catch (IOException e) {
                    shared.placer().checkNotStopping();
                    // A local problem (a folder in the way, permissions, a full disk): this file only.
                    shared.problems().add(file.path() + ": not restored: " + io.backuprouter.files.LocalErrors.describe(e));
                }
                remaining.remove(file);
            }
        } finally {
            discardCurrent();
        }
    }

    @Override
    public void checkpoint() throws IOException {
        shared.placer().checkNotStopping();
    }

    private void discardCurrent() {
        if (current != null) {
            shared.placer().discard(current.path());
            current = null;
        }
    }

    /** What a failure of writing the destination ends the restore with. */
    private IOException stopOr(IOException cause) throws IOException {
        shared.placer().checkNotStopping();
        if (cause instanceof Restorer.LocalWriteException) {
            throw new UserException("job " + shared.job() + ": restore stopped: " + cause.getMessage()
                    + "\n    hint: check free space and permissions in " + shared.placer().destination(), cause);
        }
        return cause;
    }
}
