package io.backuprouter.repository;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.NoSuchObjectException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * Reads one archive of a job from a store: decrypts it, walks its zip entries and checks the content
 * of each entry a manifest names against every record that names it: its size and its SHA-256 must
 * both match. Archives are untrusted: an entry is never read past the largest size recorded for it,
 * nor any entry (also one no record needs) past {@code maxExpansion} times the compressed bytes it has
 * used. Restore and verify both read archives through here, so that they judge the stored bytes alike.
 */
public final class ArchiveReader {
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[256 * 1024]);

    private final JobRepository repository;
    private final AgeIdentity identity;
    private final int maxExpansion;

    /** See {@link JobRepository#archives}. */
    ArchiveReader(JobRepository repository, AgeIdentity identity, int maxExpansion) {
        this.repository = repository;
        this.identity = identity;
        this.maxExpansion = maxExpansion;
    }

    /** Where the content of a wanted entry goes, and what becomes of it once it is checked. */
    public interface Sink {
        /** A stream for the entry's content (the reader closes it), or null when the content is only checked. */
        OutputStream open(String entry, List<FileEntry> records) throws IOException;

        /**
         * The entry was read: the records its content matches, and every other record with why not.
         * Called for every opened entry, also when none matches; and, with no match, for an entry that
         * could not be found at its recorded place (then without {@link #open} first).
         */
        void checked(String entry, List<FileEntry> matching, Map<FileEntry, String> mismatching) throws IOException;

        /** Called between reads: throw to stop (the program is exiting). */
        default void checkpoint() throws IOException {
        }
    }

    /** The sink failed (writing, placing): its own exception is the cause, and the archive is not to blame. */
    public static final class SinkFailed extends IOException {
        SinkFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** What kept an archive as a whole from being read. */
    public enum Failure {
        /** No such object on the store. */
        MISSING,
        /** The store did not answer, or refused the read. */
        UNREACHABLE,
        /** The identity is not one the archive was encrypted to: another identity may read it. */
        WRONG_KEY,
        /** Empty, not age, damaged, cut short, not a zip, or a zip bomb: another copy may be intact. */
        DAMAGED
    }

    /** The archive as a whole cannot be read; the message names it ({@code archive KEY}) and says why. */
    public static final class ArchiveUnreadable extends IOException {
        private final Failure failure;
        private final String reason;

        ArchiveUnreadable(Failure failure, String key, String reason, Throwable cause) {
            super("archive " + key + " " + reason, cause);
            this.failure = failure;
            this.reason = reason;
        }

        public Failure failure() {
            return failure;
        }

        /** Why, as a predicate of the archive: "is missing", "cannot be decrypted: ...". */
        public String reason() {
            return reason;
        }
    }

    /**
     * Reads the archive and gives every wanted entry's content to the sink.
     *
     * @param wanted the records that need each entry, by entry name
     * @param toTheEnd read every byte (so that age authenticates every chunk), not only up to the last
     *     wanted entry
     * @return the wanted entries the archive does not hold
     * @throws ArchiveUnreadable when the archive as a whole cannot be read
     * @throws SinkFailed when the sink failed
     */
    public Set<String> read(ArchiveInfo archive, Map<String, List<FileEntry>> wanted, boolean toTheEnd, Sink sink)
            throws IOException {
        String sizeProblem = sizeProblem(archive);
        if (sizeProblem != null) {
            // Not the copy the manifest was written for: nothing of it is used, but reading it says what is wrong.
            String found;
            try {
                readContent(archive, wanted, true, CHECK_ONLY);
                found = null;
            } catch (ArchiveUnreadable e) {
                found = e.reason().replaceFirst("^is damaged or unreadable(: )?", "");
            }
            throw new ArchiveUnreadable(Failure.DAMAGED, archive.key(), "is damaged or unreadable: "
                    + (found == null || found.isEmpty() ? "" : found + "; ") + sizeProblem, null);
        }
        return readContent(archive, wanted, toTheEnd, sink);
    }

    /**
     * Reads only the wanted entries, each from the place its records give, fetching the age header and
     * the chunks that hold them rather than the whole archive (docs/format.md, "Reading one file by ranges"). Every
     * record must be {@link FileEntry#placed}. The checks are those of {@link #read}.
     *
     * @return the wanted entries the archive does not hold (none: an entry not found at its place fails its records)
     */
    public Set<String> readPlaced(ArchiveInfo archive, Map<String, List<FileEntry>> wanted, Sink sink) throws IOException {
        if (sizeProblem(archive) != null) {
            return read(archive, wanted, false, sink); // says what is wrong with it, and refuses it
        }
        return new PlacedEntries(repository, identity, this).read(archive, wanted, sink);
    }

    /** What a ranged read of these entries fetches, about, against the whole archive's size. */
    public static boolean cheaperByRanges(ArchiveInfo archive, Map<String, List<FileEntry>> wanted) {
        return wanted.values().stream().allMatch(records -> records.stream().allMatch(FileEntry::placed))
                && PlacedEntries.cost(wanted) * 2 < archive.size();
    }

    /** One entry read from its place, checked as {@link #read} checks it. */
    void readPlacedEntry(InputStream content, Used compressed, String name, List<FileEntry> records,
                         String key, Sink sink, long offset) throws IOException {
        readEntry(content, compressed, name, records, key, sink, offset);
    }

    /** Records whose entry could not be read from its place: the sink hears why. */
    void report(String name, Map<FileEntry, String> why, Sink sink) throws IOException {
        sinkCall(() -> {
            sink.checked(name, List.of(), why);
            return null;
        });
    }

    /** A sink that only checks (restore's sizes and hashes), keeping nothing. */
    private static final Sink CHECK_ONLY = new Sink() {
        @Override
        public OutputStream open(String entry, List<FileEntry> records) {
            return null;
        }

        @Override
        public void checked(String entry, List<FileEntry> matching, Map<FileEntry, String> mismatching) {
        }
    };

    private Set<String> readContent(ArchiveInfo archive, Map<String, List<FileEntry>> wanted, boolean toTheEnd, Sink sink)
            throws IOException {
        Map<String, List<FileEntry>> remaining = new LinkedHashMap<>(wanted);
        String key = archive.key();
        InputStream encrypted = fetch(key);
        try (InputStream plain = new BufferedInputStream(decrypt(encrypted, key), 64 * 1024);
             ZipArchiveInputStream zip = new ZipStream(plain)) {
            long offset = 0; // of the next local header in the plaintext, while every entry so far had its sizes in it
            for (ZipArchiveEntry entry; (toTheEnd || !remaining.isEmpty()) && (entry = nextEntry(zip, key)) != null; ) {
                List<FileEntry> records = remaining.remove(entry.getName());
                ZipArchiveEntry current = entry;
                // commons-compress counts no compressed bytes for zstd entries: their local header's size is used.
                Used compressed = new Used(() -> zip.getCompressedCount() >= 0 ? zip.getCompressedCount()
                        : current.getCompressedSize(), entry.getMethod());
                if (records == null) {
                    skip(zip, compressed, entry.getName(), key, sink, 0);
                } else {
                    readEntry(zip, compressed, entry.getName(), records, key, sink, offset);
                }
                long used = compressed.bytes().getAsLong();
                offset = offset < 0 || used < 0 || entry.getGeneralPurposeBit().usesDataDescriptor() ? -1
                        : offset + 30 + entry.getRawName().length + entry.getLocalFileDataExtra().length + used;
            }
        } catch (ArchiveUnreadable | SinkFailed e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ArchiveUnreadable(Failure.DAMAGED, key, "is damaged or unreadable (" + e.getMessage() + ")", e);
        }
        return remaining.keySet();
    }

    /**
     * Why the archive object is not the one its manifest records, or null: its size must be the one
     * recorded (a copy of another size is not the one the manifest was written for).
     */
    private String sizeProblem(ArchiveInfo archive) throws IOException {
        String key = archive.key();
        java.util.Optional<io.backuprouter.targets.ObjectInfo> object;
        try {
            object = repository.stat(key);
        } catch (IOException e) {
            throw new ArchiveUnreadable(Failure.UNREACHABLE, key, "cannot be fetched (" + e.getMessage() + ")", e);
        }
        if (object.isEmpty()) {
            throw new ArchiveUnreadable(Failure.MISSING, key, "is missing", null);
        }
        return object.get().size() == archive.size() ? null
                : "it is " + object.get().size() + " bytes, the manifest records " + archive.size();
    }

    private InputStream fetch(String key) throws IOException {
        try {
            return repository.get(key);
        } catch (NoSuchObjectException e) {
            throw new ArchiveUnreadable(Failure.MISSING, key, "is missing", e);
        } catch (IOException e) {
            throw new ArchiveUnreadable(Failure.UNREACHABLE, key, "cannot be fetched (" + e.getMessage() + ")", e);
        }
    }

    private InputStream decrypt(InputStream encrypted, String key) throws IOException {
        try {
            return Age.decrypt(encrypted, identity);
        } catch (Age.WrongKeyException e) {
            encrypted.close();
            throw new ArchiveUnreadable(Failure.WRONG_KEY, key, "cannot be decrypted: " + e.getMessage(), e);
        } catch (IOException e) {
            encrypted.close();
            throw new ArchiveUnreadable(Failure.DAMAGED, key, "is damaged or unreadable: " + e.getMessage(), e);
        }
    }

    private static ZipArchiveEntry nextEntry(ZipArchiveInputStream zip, String key) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (java.util.zip.ZipException e) {
            throw new ArchiveUnreadable(Failure.DAMAGED, key, "is not a readable zip (" + e.getMessage() + ")", e);
        }
    }

    /** Reads one wanted entry into the sink, hashing it, and tells the sink which records it matches. */
    /**
     * @param offset where the entry's local header lies in the plaintext (-1 when not known): a record
     *     that says where its entry lies must say so rightly, as a read of that entry alone relies on it
     */
    private void readEntry(InputStream zip, Used compressed, String name, List<FileEntry> records,
                           String key, Sink sink, long offset) throws IOException {
        long limit = records.stream().mapToLong(FileEntry::size).max().orElse(0);
        MessageDigest sha = io.backuprouter.crypto.Digests.sha256();
        byte[] buffer = BUFFERS.get();
        long total = 0;
        boolean tooLong = false;
        OutputStream out = sinkCall(() -> sink.open(name, records));
        try {
            // Whole buffers: a zip entry stream returns a few hundred bytes per read.
            for (int n; (n = zip.readNBytes(buffer, 0, (int) Math.min(buffer.length - 1, limit - total) + 1)) > 0; ) {
                sinkCall(() -> {
                    sink.checkpoint();
                    return null;
                });
                total += n;
                if (total > limit) {
                    tooLong = true;
                    break;
                }
                checkExpansion(compressed, total, name, key);
                sha.update(buffer, 0, n);
                if (out != null) {
                    write(out, buffer, n);
                }
            }
        } finally {
            if (out != null) {
                sinkCall(() -> {
                    out.close();
                    return null;
                });
            }
        }
        if (tooLong) {
            skip(zip, compressed, name, key, sink, total);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        long csize = compressed.bytes().getAsLong();
        List<FileEntry> matching = new ArrayList<>();
        Map<FileEntry, String> mismatching = new LinkedHashMap<>();
        for (FileEntry record : records) {
            String why = tooLong ? "entry " + name + " is longer than the " + record.size() + " bytes the manifest records"
                    + " for " + SnapshotRules.shown(record.path()) + "; refused"
                    : total != record.size() ? "entry " + name + " holds " + total + " bytes where the manifest records "
                    + record.size() + " for " + SnapshotRules.shown(record.path())
                    : !actual.equals(record.sha256()) ? "entry " + name + " does not match its SHA-256 as recorded for "
                    + SnapshotRules.shown(record.path()) + " (its content hashes to " + actual + ")"
                    : misplaced(record, offset, csize);
            if (why == null) {
                matching.add(record);
            } else {
                mismatching.put(record, why);
            }
        }
        sinkCall(() -> {
            sink.checked(name, matching, mismatching);
            return null;
        });
    }

    /** Why a record's recorded place is not where its entry lies, or null (also when either is not known). */
    private static String misplaced(FileEntry record, long offset, long csize) {
        if (!record.placed() || offset < 0 || (record.offset() == offset && record.csize() == csize)) {
            return null;
        }
        return "entry " + record.entry() + " lies at " + offset + " (" + csize + " bytes) in the archive, not at "
                + record.offset() + " (" + record.csize() + " bytes) as the manifest records for " + SnapshotRules.shown(record.path());
    }

    private static void write(OutputStream out, byte[] buffer, int n) throws SinkFailed {
        try {
            out.write(buffer, 0, n);
        } catch (IOException e) {
            throw new SinkFailed(e);
        }
    }

    /** Reads past (the rest of) an entry: inflating it costs the same, so it is held to the same bound. */
    private void skip(InputStream zip, Used compressed, String name, String key, Sink sink,
                      long alreadyRead) throws IOException {
        byte[] buffer = BUFFERS.get();
        long total = alreadyRead;
        for (int n; (n = zip.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            sinkCall(() -> {
                sink.checkpoint();
                return null;
            });
            total += n;
            checkExpansion(compressed, total, name, key);
        }
    }

    /**
     * An entry that has given {@code total} bytes so far may not expand past {@code maxExpansion} times
     * the compressed bytes it has used (checked past its first MiB: small entries compress well
     * legitimately).
     */
    private void checkExpansion(Used compressed, long total, String name, String key) throws ArchiveUnreadable {
        long bound = compressed.method() == ZSTD ? Math.max(maxExpansion, ZSTD_MAX_EXPANSION) : maxExpansion;
        if (total > 1024 * 1024 && total > Math.max(compressed.bytes().getAsLong(), 1) * bound) {
            throw new ArchiveUnreadable(Failure.DAMAGED, key, "is refused: entry " + name + " expands more than "
                    + bound + " times its compressed size, more than " + (compressed.method() == ZSTD
                    ? "zstd ever compresses anything" : "the job's bound (backup.restore.max-expansion)")
                    + ", as a zip bomb would", null);
        }
    }

    /** Zip method 93. */
    private static final int ZSTD = 93;
    /**
     * The most a zstd entry can expand: a run of one byte compresses to RLE blocks of 4 bytes (a 3-byte header
     * and the byte) for 128 KiB each, 32,768 times. Zeros and repeated lines come close to it legitimately.
     */
    static final long ZSTD_MAX_EXPANSION = 32_768;

    /** The compressed bytes an entry has used so far, and its zip method (the bound of its expansion). */
    record Used(java.util.function.LongSupplier bytes, int method) {
    }

    private interface SinkCall<T> {
        T call() throws IOException;
    }

    private static <T> T sinkCall(SinkCall<T> call) throws SinkFailed {
        try {
            return call.call();
        } catch (SinkFailed e) {
            throw e;
        } catch (IOException e) {
            throw new SinkFailed(e);
        }
    }

}
