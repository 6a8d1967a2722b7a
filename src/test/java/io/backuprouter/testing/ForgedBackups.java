package io.backuprouter.testing;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotStats;
import io.backuprouter.crypto.Age;
import io.backuprouter.repository.ListingPieces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Stored objects of a job written by hand into a folder target, as anyone who knows the job's
 * recipient can: archives (encrypted zips, or any bytes at all) and manifests that say anything.
 */
public final class ForgedBackups {
    public static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path jobFolder;
    private final String job;
    private final String recipient;
    private int snapshots;

    /** Objects of {@code job} in the folder target at {@code target}, encrypted to {@code recipient}. */
    public ForgedBackups(Path target, String job, String recipient) {
        this.jobFolder = target.resolve(job);
        this.job = job;
        this.recipient = recipient;
    }

    /** An encrypted zip with these entries (in this order), stored under its id's key. */
    public ArchiveInfo archive(Map<String, byte[]> entries) throws IOException {
        return archive(entries, recipient);
    }

    /** Like {@link #archive(Map)}, encrypted to another recipient. */
    public ArchiveInfo archive(Map<String, byte[]> entries, String to) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(bytes, List.of(to));
             ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            for (var entry : entries.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeArchiveEntry();
            }
        }
        return raw(bytes.toByteArray(), entries.size());
    }

    /** An archive as backup-router writes it (sizes in local headers), and where each entry lies. */
    public record Placed(ArchiveInfo archive, Map<String, io.backuprouter.repository.ArchiveWriter.Placed> places) {
    }

    /** Like {@link #archive(Map)}, written by the archive writer backups use: its records can say where entries lie. */
    public Placed placedArchive(Map<String, byte[]> entries, Path scratch) throws IOException {
        Path out = Files.createTempFile(scratch, "archive-", ".zip.age");
        Map<String, io.backuprouter.repository.ArchiveWriter.Placed> places = new java.util.LinkedHashMap<>();
        try (io.backuprouter.repository.ArchiveWriter writer = new io.backuprouter.repository.ArchiveWriter(out,
                io.backuprouter.crypto.AgeEncryption.toRecipients(List.of(recipient)), 1)) {
            for (var entry : entries.entrySet()) {
                Path file = Files.createTempFile(scratch, "content-", ".txt");
                Files.write(file, entry.getValue());
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(entry.getValue());
                places.put(entry.getKey(), writer.add(entry.getKey(), TIME, 0644, io.backuprouter.repository.ArchiveWriter.Method.DEFLATE,
                        file, entry.getValue().length, sha(entry.getValue()), crc.getValue()));
            }
        }
        ArchiveInfo archive = raw(Files.readAllBytes(out), entries.size());
        return new Placed(archive, places);
    }

    /** Any bytes, stored as an archive object under a new id's key. */
    public ArchiveInfo raw(byte[] bytes, int entries) throws IOException {
        String id = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        ArchiveInfo archive = new ArchiveInfo(id, ArchiveInfo.keyOf(id), bytes.length, entries);
        write(archive.key(), bytes);
        return archive;
    }

    /** The stored bytes of an object of the job. */
    public byte[] read(String key) throws IOException {
        return Files.readAllBytes(jobFolder.resolve(key));
    }

    /** Replaces the stored bytes of an object of the job. */
    public void write(String key, byte[] bytes) throws IOException {
        Path file = jobFolder.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /** A manifest of a new snapshot (ids in time order) naming these archives and records, stored. */
    public Snapshot snapshot(List<ArchiveInfo> archives, List<FileEntry> files) throws IOException {
        snapshots++;
        String id = String.format("20260101T00%02d%02d.000Z-%08x", snapshots / 60 % 60, snapshots % 60, snapshots);
        long bytes = files.stream().filter(java.util.Objects::nonNull).mapToLong(FileEntry::size).sum();
        Snapshot snapshot = new Snapshot(Snapshot.FORMAT, 1, id, job, "forger", TIME, null, "/",
                new SnapshotStats(files.size(), 0, 0, bytes, files.size(), bytes, 0), archives, files);
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        Manifests.writeEncrypted(snapshot, manifest, List.of(recipient));
        write(snapshot.key(), manifest.toByteArray());
        return snapshot;
    }

    /**
     * A version 2 snapshot of these records (sorted by path): its listing pieces, as the piece codec
     * writes them, and a manifest naming them, stored; returns the pieces (their keys and ids).
     */
    public Pieced piecedSnapshot(List<ArchiveInfo> archives, List<FileEntry> files) throws IOException {
        return piecedSnapshot(ListingPieces.encode(files, archives,
                io.backuprouter.crypto.AgeEncryption.toRecipients(List.of(recipient)).fingerprint()));
    }

    /**
     * A version 2 snapshot of these pieces, each stored as it is (even one no writer would make), and a
     * manifest listing them in this order, each by its first record's path and its number of records.
     */
    public Pieced piecedSnapshot(List<ListingPieces.Encoded> pieces) throws IOException {
        for (ListingPieces.Encoded piece : pieces) {
            write(piece.key(), ListingPieces.seal(piece, io.backuprouter.crypto.AgeEncryption.toRecipients(List.of(recipient))));
        }
        snapshots++;
        String id = String.format("20260101T00%02d%02d.000Z-%08x", snapshots / 60 % 60, snapshots % 60, snapshots);
        List<FileEntry> files = pieces.stream().flatMap(p -> p.piece().files().stream()).toList();
        long bytes = files.stream().mapToLong(FileEntry::size).sum();
        Snapshot snapshot = new Snapshot(Snapshot.FORMAT, 2, id, job, "forger", TIME, null, "/",
                new SnapshotStats(files.size(), 0, 0, bytes, files.size(), bytes, 0), null, null,
                pieces.stream().map(ListingPieces.Encoded::listed).toList());
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        Manifests.writeEncrypted(snapshot, manifest, List.of(recipient));
        write(snapshot.key(), manifest.toByteArray());
        return new Pieced(snapshot, pieces);
    }

    /** One piece of exactly these records, in this order (not cut by the writer's rule), naming these archives. */
    public static ListingPieces.Encoded exactPiece(List<ArchiveInfo> archives, List<FileEntry> records) {
        io.backuprouter.catalog.ListingPiece piece = new io.backuprouter.catalog.ListingPiece(
                io.backuprouter.catalog.ListingPiece.FORMAT, io.backuprouter.catalog.ListingPiece.VERSION, null, archives, records);
        try {
            byte[] json = Manifests.compactJson().writeValueAsBytes(piece);
            return new ListingPieces.Encoded(piece, json, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A version 2 snapshot as stored (its manifest holds only the listing) and its pieces. */
    public record Pieced(Snapshot snapshot, List<ListingPieces.Encoded> pieces) {
        public String id() {
            return snapshot.id();
        }
    }

    /** A file record whose content is this entry of this archive. */
    public static FileEntry file(String path, byte[] content, ArchiveInfo archive, String entry) {
        return new FileEntry(path, FileEntry.FILE, content.length, TIME, "0644", sha(content), archive.id(), entry, null);
    }

    public static FileEntry link(String path, String target) {
        return new FileEntry(path, FileEntry.SYMLINK, 0, TIME, null, null, null, null, target);
    }

    public static FileEntry folder(String path) {
        return new FileEntry(path, FileEntry.DIR, 0, TIME, "0755", null, null, null, null);
    }

    public static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
