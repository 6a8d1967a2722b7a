package io.backuprouter.backup;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.crypto.Age;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Writes one archive: a standard zip of files (deflated, or stored when the content is already
 * compressed), encrypted with age as it is written, to a local file. Streams: memory use does not
 * depend on file sizes. Each file's content is checked against the hash of the first read; a file
 * that changed in between is left out of the result (its entry stays in the zip, unused).
 */
final class ArchiveWriter {
    private static final int BUFFER = 256 * 1024;

    private ArchiveWriter() {
    }

    /** A file to pack: its entry (with sha256 set), where it is, and what the first read learned. */
    record Packed(FileEntry entry, Path file, ContentHasher.Hashed hashed) {
    }

    /**
     * The archive written.
     *
     * @param info id, key, encrypted size and entry count
     * @param file the encrypted archive on local disk
     * @param stored the entries now stored in it (archive and entry set)
     * @param changed paths whose content changed between the two reads
     * @param contentBytes the size of the content packed
     */
    record Written(ArchiveInfo info, Path file, List<FileEntry> stored, List<String> changed, long contentBytes) {
    }

    /** A stored file changed between the two reads; the archive is unusable and must be written without it. */
    static final class ChangedWhileArchiving extends IOException {
        final String path;

        ChangedWhileArchiving(String path, Throwable cause) {
            super(path + " changed while it was being archived", cause);
            this.path = path;
        }
    }

    /** Whether the file is now longer than when it was hashed. */
    private static boolean grew(Packed packed) {
        try {
            return Files.size(packed.file()) > packed.hashed().size();
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Writes the files into one archive: content that shrinks with {@code method} at {@code level}, the rest stored.
     */
    static Written write(String archiveId, List<Packed> files, Path outFile, io.backuprouter.crypto.AgeEncryption encryption,
                         io.backuprouter.repository.ArchiveWriter.Method method, int level) throws IOException {
        List<FileEntry> stored = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long contentBytes = 0;
        int entries;
        try (io.backuprouter.repository.ArchiveWriter archive = new io.backuprouter.repository.ArchiveWriter(outFile,
                encryption, level)) {
            for (Packed packed : files) {
                FileEntry entry = packed.entry();
                ContentHasher.Hashed hashed = packed.hashed();
                io.backuprouter.repository.ArchiveWriter.Placed placed;
                try {
                    placed = archive.add(entry.path(), entry.mtime(), entry.mode() == null ? 0644 : Integer.parseInt(entry.mode(), 8),
                            hashed.compress() ? method : io.backuprouter.repository.ArchiveWriter.Method.STORED,
                            packed.file(), hashed.size(), hashed.sha256(), hashed.crc32());
                } catch (io.backuprouter.repository.ArchiveWriter.ContentChanged e) {
                    throw new ChangedWhileArchiving(entry.path(), e);
                }
                if (placed == null || grew(packed)) {
                    changed.add(entry.path());
                } else {
                    stored.add(entry.storedAt(archiveId, entry.path(), placed.offset(), placed.csize()));
                    contentBytes += hashed.size();
                }
            }
            entries = archive.entries();
        }
        ArchiveInfo info = new ArchiveInfo(archiveId, ArchiveInfo.keyOf(archiveId), Files.size(outFile), entries,
                encryption.fingerprint());
        return new Written(info, outFile, stored, changed, contentBytes);
    }
}
