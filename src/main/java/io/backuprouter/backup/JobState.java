package io.backuprouter.backup;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.type.TypeReference;
import io.backuprouter.files.LockFile;
import io.backuprouter.UserException;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's local state, in {@code <stateDir>/<job>/}:
 * <ul>
 *   <li>{@code latest.json}: the latest snapshot committed on at least one target (plain JSON;
 *       this machine holds the source files anyway);</li>
 *   <li>{@code pending.json}: objects some target still lacks (it was down or failing), in
 *       upload order, with the local copy in {@code outbox/} to send when it returns;</li>
 *   <li>{@code history.json}: the snapshots this machine made, for listings without the identity (read and
 *       rewritten by {@link JobHistory});</li>
 *   <li>{@code encryption.json}: what the archives of the latest snapshot are encrypted to (a
 *       fingerprint, no secret), and for a passphrase {@code passphrase-check.age}, a short text
 *       encrypted with it: a run with another key packs every file again, and one with a mistyped
 *       passphrase stops;</li>
 *   <li>{@code failure.json}: the last run that failed, until one succeeds (for {@code status});</li>
 *   <li>{@code lock}: held while a run is in progress, so two runs of a job never overlap.</li>
 * </ul>
 * Every file is replaced atomically (written beside, then renamed).
 */
public final class JobState implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobState.class);

    private final Path dir;
    private final LockFile lock;
    private final JobHistory history;

    private JobState(Path dir, LockFile lock) {
        this.dir = dir;
        this.lock = lock;
        this.history = new JobHistory(dir);
    }

    /**
     * An object some targets still lack.
     *
     * @param key object key relative to the job's folder
     * @param file the local copy, relative to the state folder
     * @param targets targets that lack it
     * @param requires for a manifest: the archive keys it needs on the target first
     */
    @JsonPropertyOrder({"key", "file", "targets", "requires"})
    public record Pending(String key, String file, List<String> targets, List<String> requires) {
    }

    /**
     * A snapshot this machine made.
     *
     * @param id snapshot id
     * @param time when its run started
     * @param files files in it
     * @param bytes their total size
     * @param addedBytes content this run added
     * @param targets targets it was committed on when the run ended
     * @param unchangedAt the last time a run found the source unchanged since this snapshot, held by
     *     every target of the job, and made none (see {@link BackupRun#skipIfUnchanged}), or null
     */
    @JsonPropertyOrder({"id", "time", "files", "bytes", "addedBytes", "targets", "unchangedAt"})
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record HistoryEntry(String id, Instant time, long files, long bytes, long addedBytes, List<String> targets,
                               Instant unchangedAt) {
        /** When the source was last known to be as this snapshot holds it: its time, or a later check. */
        public Instant upToDateAt() {
            return unchangedAt != null && unchangedAt.isAfter(time) ? unchangedAt : time;
        }
    }

    /** Opens and locks the job's state; fails with a clear message when another run holds it. */
    public static JobState open(Path dir, String job) throws IOException {
        Files.createDirectories(dir.resolve("outbox"));
        LockFile lock = LockFile.tryAcquire(dir.resolve("lock")).orElseThrow(() -> new UserException("job " + job
                + " is busy: a backup, forget or prune of it is running (its state " + dir + " is locked"
                + LockFile.holder(dir.resolve("lock")) + "); nothing was done, run it again when that ends"));
        return new JobState(dir, lock);
    }

    public Path dir() {
        return dir;
    }

    public Path outbox() {
        return dir.resolve("outbox");
    }

    public Snapshot latest() throws IOException {
        Path file = dir.resolve("latest.json");
        if (!Files.exists(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Manifests.readJson(in, file.toString());
        } catch (Manifests.Unreadable e) {
            // Damaged (a disk error, an edit by hand): a run without it is a full comparison, not a
            // failure; the file is kept aside, never overwritten unseen.
            Path aside = movedAside(file);
            LOG.warn("{}; moved to {}. This run compares the source with the newest snapshot on a target instead"
                    + " (when the job has an identity), or packs every file again", e.getMessage(), aside);
            return null;
        }
    }

    public void saveLatest(Snapshot snapshot) throws IOException {
        // Without indentation: at 100,000 files the indented text was 2-3 times larger, and writing and
        // reading it was a third of a run that found nothing changed.
        write("latest.json", out -> Manifests.compactJson().writeValue(out, snapshot));
    }

    /** Uploads a lagging target still needs; a damaged list stops the run (it cannot be rebuilt). */
    public List<Pending> pending() throws IOException {
        try {
            return readList(dir.resolve("pending.json"), new TypeReference<>() { });
        } catch (Damaged e) {
            throw new UserException(e.getMessage() + "\n    hint: move it away and run again: the next"
                    + " snapshot is still made complete on every target (an archive a target lacks is found by listing it,"
                    + " and sent from the outbox or another target); snapshots a target missed before are not sent to it", e);
        }
    }

    public void savePending(List<Pending> pending) throws IOException {
        write("pending.json", out -> Manifests.json().writeValue(out, pending));
        Set<String> keep = new HashSet<>();
        pending.forEach(p -> keep.add(Path.of(p.file()).getFileName().toString()));
        try (Stream<Path> files = Files.list(outbox())) {
            for (Path file : files.toList()) {
                if (!keep.contains(file.getFileName().toString())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * This machine's record of past runs, for a run that holds the lock and is about to rewrite it. A
     * damaged one is moved aside with a warning and the record starts again: it only feeds status,
     * snapshot listings and the checks for snapshots this machine committed, and a run that has
     * committed its snapshot must not fail over it.
     */
    public List<HistoryEntry> history() throws IOException {
        return history.forRewrite();
    }

    /** A damaged state file renamed so that nothing overwrites it unseen. */
    static Path movedAside(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + Instant.now().toString().replace(':', '-'));
        Files.move(file, aside);
        return aside;
    }

    /** Snapshots this machine committed to the target (null: to any target) and retention has not removed. */
    public static java.util.Set<String> committed(Path dir, String target) throws IOException {
        return JobHistory.committed(dir, target);
    }

    /**
     * The history of a job's state folder, read without taking the lock (status, snapshots, restore,
     * verify). A damaged one is left for the next backup to move aside: these commands warn and go on
     * without it.
     */
    public static List<HistoryEntry> readHistory(Path dir) throws IOException {
        return JobHistory.read(dir);
    }

    /** A JSON list state file; empty when it does not exist, {@link Damaged} when it does not parse. */
    static <T> List<T> readList(Path file, TypeReference<List<T>> type) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Manifests.json().readValue(file.toFile(), type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Damaged(file, e);
        }
    }

    /** A state file that cannot be parsed. */
    public static final class Damaged extends IOException {
        Damaged(Path file, com.fasterxml.jackson.core.JsonProcessingException e) {
            super("job state file " + file + " is damaged (" + e.getOriginalMessage() + ")", e);
        }
    }

    /**
     * Records that retention removed these snapshot manifests (keys) from a target on purpose, so
     * that {@code verify} stops expecting them there.
     */
    public void forgotten(String target, java.util.Collection<String> manifestKeys) throws IOException {
        history.retarget(target, manifestKeys, false);
    }

    /**
     * Records that a target lagging behind has caught up with these keys: where they are snapshot
     * manifests, {@code verify} and {@code restore} now expect those snapshots there too.
     */
    public void caughtUp(String target, java.util.Collection<String> keys) throws IOException {
        history.retarget(target, keys, true);
    }

    /**
     * Records that a run found the source as this snapshot holds it, on every one of these targets,
     * and made no new one: {@code status} and the router's health count the check as a backup.
     */
    public void checkedUnchanged(Snapshot snapshot, List<String> targets, Instant at) throws IOException {
        history.checkedUnchanged(snapshot, targets, at);
    }

    /**
     * Records a snapshot of this machine that these targets list but this record lacks or has on
     * fewer targets: its run stopped after committing it there, before it recorded it here.
     */
    public void recovered(Snapshot snapshot, List<String> targets) throws IOException {
        history.recovered(snapshot, targets);
    }

    /**
     * The last run that failed before any target committed a snapshot (a missing source, no target
     * reachable, a mistyped passphrase...), until a later run succeeds.
     */
    @JsonPropertyOrder({"time", "reason"})
    public record Failure(Instant time, String reason) {
    }

    /** Records a failed run (the reason has no secret: see {@code Secrets}). */
    public void failed(Instant time, String reason) throws IOException {
        write("failure.json", out -> Manifests.json().writeValue(out, new Failure(time, reason)));
    }

    /** A run succeeded: a failure before it is history. */
    public void succeeded() throws IOException {
        Files.deleteIfExists(dir.resolve("failure.json"));
    }

    /** The last failed run since the last success, read without the lock (status); empty when none or unreadable. */
    public static java.util.Optional<Failure> lastFailure(Path dir) {
        Path file = dir.resolve("failure.json");
        try {
            return Files.exists(file) ? java.util.Optional.of(Manifests.json().readValue(file.toFile(), Failure.class))
                    : java.util.Optional.empty();
        } catch (IOException e) {
            LOG.debug("{} cannot be read: {}", file, e.toString());
            return java.util.Optional.empty();
        }
    }

    /** What the latest snapshot's archives are encrypted to (see {@code AgeEncryption#fingerprint}), or null. */
    @JsonPropertyOrder({"encryption"})
    public record Encryption(String encryption) {
    }

    /** The encryption recorded by the last run that committed a snapshot, or null (none yet, or an older version's state). */
    public String encryption() throws IOException {
        Path file = dir.resolve("encryption.json");
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Manifests.json().readValue(file.toFile(), Encryption.class).encryption();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("{}; it is written again by this run", new Damaged(file, e).getMessage());
            return null;
        }
    }

    /** The passphrase check, a short text encrypted with the job's passphrase; absent for recipients. */
    public Path passphraseCheck() {
        return dir.resolve("passphrase-check.age");
    }

    /** Records the encryption of a committed snapshot, with a new passphrase check when one is given. */
    public void saveEncryption(String fingerprint, byte[] passphraseCheck) throws IOException {
        if (passphraseCheck != null) {
            write(passphraseCheck().getFileName().toString(), out -> out.write(passphraseCheck));
        }
        write("encryption.json", out -> Manifests.json().writeValue(out, new Encryption(fingerprint)));
    }

    public void appendHistory(HistoryEntry entry) throws IOException {
        history.append(entry);
    }

    /** What a state file holds, written to its stream. */
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private void write(String name, Writer writer) throws IOException {
        write(dir, name, writer);
    }

    /** Replaces a state file atomically: written beside, forced to disk, then renamed. */
    static void write(Path dir, String name, Writer writer) throws IOException {
        Path target = dir.resolve(name);
        Path temp = dir.resolve(name + ".new");
        try (OutputStream out = Files.newOutputStream(temp)) {
            writer.write(out);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        io.backuprouter.files.AtomicMove.replace(temp, target);
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }
}
