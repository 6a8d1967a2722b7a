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

    static Written write(String archiveId, List<Packed> files, Path outFile, List<String> recipients, int level)
            throws IOException {
        return write(archiveId, files, outFile, io.backuprouter.crypto.AgeEncryption.toRecipients(recipients), level);
    }

    static Written write(String archiveId, List<Packed> files, Path outFile, io.backuprouter.crypto.AgeEncryption encryption,
                         int level) throws IOException {
        List<FileEntry> stored = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long contentBytes = 0;
        byte[] buffer = new byte[BUFFER];
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(outFile), BUFFER);
             OutputStream encrypted = Age.encrypt(file, encryption);
             ZipArchiveOutputStream zip = new ZipArchiveOutputStream(encrypted)) {
            zip.setUseZip64(Zip64Mode.AsNeeded);
            zip.setLevel(level);
            zip.setEncoding("UTF-8");
            zip.setUseLanguageEncodingFlag(true);
            for (Packed packed : files) {
                FileEntry entry = packed.entry();
                ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.path());
                zipEntry.setSize(packed.hashed().size());
                zipEntry.setLastModifiedTime(FileTime.from(entry.mtime()));
                zipEntry.setUnixMode(0100000 | (entry.mode() == null ? 0644 : Integer.parseInt(entry.mode(), 8)));
                if (packed.hashed().deflate()) {
                    zipEntry.setMethod(ZipArchiveEntry.DEFLATED);
                } else {
                    zipEntry.setMethod(ZipArchiveEntry.STORED);
                    zipEntry.setCompressedSize(packed.hashed().size());
                    zipEntry.setCrc(packed.hashed().crc32());
                }
                InputStream in;
                try {
                    in = Files.newInputStream(packed.file());
                } catch (IOException gone) {
                    // Deleted or made unreadable since it was hashed: taken again on the next run.
                    changed.add(entry.path());
                    continue;
                }
                zip.putArchiveEntry(zipEntry);
                MessageDigest sha = ContentHasher.sha256();
                long copied = 0;
                boolean readFailed = false;
                try (in) {
                    long remaining = packed.hashed().size();
                    while (remaining > 0) {
                        int n;
                        try {
                            n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                        } catch (IOException readError) {
                            readFailed = true; // errors reading the source; errors writing the archive propagate
                            break;
                        }
                        if (n < 0) {
                            break;
                        }
                        sha.update(buffer, 0, n);
                        zip.write(buffer, 0, n);
                        copied += n;
                        remaining -= n;
                    }
                }
                if (copied < packed.hashed().size()) {
                    // The file shrank or could not be read to the end: pad so the entry stays well-formed; it is not used.
                    java.util.Arrays.fill(buffer, (byte) 0);
                    for (long pad = packed.hashed().size() - copied; pad > 0; pad -= Math.min(pad, buffer.length)) {
                        zip.write(buffer, 0, (int) Math.min(pad, buffer.length));
                    }
                }
                String sha256 = HexFormat.of().formatHex(sha.digest());
                if (readFailed || copied < packed.hashed().size() || grew(packed) || !sha256.equals(packed.hashed().sha256())) {
                    changed.add(entry.path());
                } else {
                    stored.add(entry.storedIn(archiveId, entry.path()));
                    contentBytes += copied;
                }
                try {
                    zip.closeArchiveEntry();
                } catch (ZipException badCrc) {
                    // A stored entry whose content no longer matches the CRC of the first read.
                    throw new ChangedWhileArchiving(entry.path(), badCrc);
                }
            }
            zip.finish();
        }
        ArchiveInfo info = new ArchiveInfo(archiveId, ArchiveInfo.keyOf(archiveId), Files.size(outFile), files.size(),
                encryption.fingerprint());
        return new Written(info, outFile, stored, changed, contentBytes);
    }
}
