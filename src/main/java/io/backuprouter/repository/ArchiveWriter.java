package io.backuprouter.repository;

import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeEncryption;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Writes one archive (docs/format.md, "Archives"): a zip whose every entry carries its CRC-32 and
 * sizes in its local header (no data descriptors), encrypted with age as it is written, to a local
 * file, and says where each entry lies in the archive's plaintext, so that one file can later be read
 * alone. A compressed entry is compressed into a spool first (its sizes must precede its data: in
 * memory up to {@value #MEMORY_SPOOL} bytes, else a temporary file beside the archive); a stored
 * entry streams. Memory stays bounded whatever the file sizes.
 */
public final class ArchiveWriter implements AutoCloseable {
    static final int MEMORY_SPOOL = 1024 * 1024;
    private static final int BUFFER = 256 * 1024;
    private static final int ZIP_METHOD_ZSTD = 93;

    /** How an entry's content is stored. */
    public enum Method {
        /** As it is (zip method 0). */
        STORED,
        /** zlib deflate (zip method 8): what every zip reader reads. */
        DEFLATE,
        /** Zstandard (zip method 93): format version 2 only. */
        ZSTD
    }

    /**
     * Where an entry lies in the archive's plaintext.
     *
     * @param offset the offset of its local file header
     * @param csize the bytes of its (compressed) data after the local header
     */
    public record Placed(long offset, long csize) {
    }

    /** A stored entry's content was not what its first read found: the archive must be written again without it. */
    public static final class ContentChanged extends IOException {
        ContentChanged(String name) {
            super(name + " changed while it was being archived");
        }
    }

    private final Path outFile;
    private final int level;
    private final Counting counted;
    private final ZipArchiveOutputStream zip;
    private final byte[] buffer = new byte[BUFFER];
    private int entries;

    /**
     * @param level the compression level (zlib's 1-9 for deflate, zstd's 1-19)
     */
    public ArchiveWriter(Path outFile, AgeEncryption encryption, int level) throws IOException {
        this.outFile = outFile;
        this.level = level;
        OutputStream file = new BufferedOutputStream(Files.newOutputStream(outFile), BUFFER);
        this.counted = new Counting(Age.encrypt(file, encryption));
        this.zip = new ZipArchiveOutputStream(counted);
        zip.setUseZip64(Zip64Mode.AsNeeded);
        zip.setEncoding("UTF-8");
        zip.setUseLanguageEncodingFlag(true);
    }

    /**
     * Adds a file's content as an entry, when it still is what its first read found ({@code size}
     * bytes with this SHA-256 and CRC-32).
     *
     * @return where the entry lies; null when the content changed since (a compressed entry is then
     *     not written at all)
     * @throws ContentChanged when a stored entry's content changed while it was written
     */
    public Placed add(String name, Instant mtime, int unixMode, Method method, Path file, long size, String sha256, long crc32)
            throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setLastModifiedTime(FileTime.from(mtime));
        entry.setUnixMode(0100000 | unixMode);
        entry.setSize(size);
        entry.setCrc(crc32);
        if (method == Method.STORED) {
            return addStored(entry, file, size, sha256);
        }
        if (method == Method.ZSTD && size <= SMALL) {
            return addSmallZstd(entry, file, size, sha256, crc32);
        }
        try (Spool spool = new Spool(outFile.getParent(), size)) {
            MessageDigest sha = io.backuprouter.crypto.Digests.sha256();
            CRC32 crc = new CRC32();
            long read;
            try (OutputStream compressed = compressor(method, spool.out())) {
                read = copy(file, size, sha, crc, compressed);
            }
            if (read != size || crc.getValue() != crc32 || !HexFormat.of().formatHex(sha.digest()).equals(sha256)) {
                return null;
            }
            entry.setMethod(method == Method.DEFLATE ? ZipArchiveEntry.DEFLATED : ZIP_METHOD_ZSTD);
            entry.setCompressedSize(spool.size());
            long offset = counted.count;
            try (InputStream data = spool.in()) {
                zip.addRawArchiveEntry(entry, data);
            }
            entries++;
            return new Placed(offset, spool.size());
        }
    }

    /**
     * A small zstd entry, compressed in memory with this writer's one compression context: a context
     * made for each entry (as a zstd stream makes one) allocates and clears a few MiB of tables, which
     * cost more than compressing a small file (a first backup of 100,000 files of a few KiB spent most
     * of its time there).
     */
    private Placed addSmallZstd(ZipArchiveEntry entry, Path file, long size, String sha256, long crc32) throws IOException {
        MessageDigest sha = io.backuprouter.crypto.Digests.sha256();
        CRC32 crc = new CRC32();
        content.reset();
        long read = copy(file, size, sha, crc, content);
        if (read != size || crc.getValue() != crc32 || !HexFormat.of().formatHex(sha.digest()).equals(sha256)) {
            return null;
        }
        if (zstd == null) {
            zstd = new com.github.luben.zstd.ZstdCompressCtx().setLevel(level).setContentSize(true);
        }
        int bound = (int) com.github.luben.zstd.Zstd.compressBound(size);
        if (packed.length < bound) {
            packed = new byte[bound];
        }
        int csize = zstd.compressByteArray(packed, 0, bound, content.bytes(), 0, (int) size);
        entry.setMethod(ZIP_METHOD_ZSTD);
        entry.setCompressedSize(csize);
        long offset = counted.count;
        zip.addRawArchiveEntry(entry, new ByteArrayInputStream(packed, 0, csize));
        entries++;
        return new Placed(offset, csize);
    }

    /** Content up to this size is compressed in memory with the writer's zstd context. */
    static final int SMALL = 1024 * 1024;
    private com.github.luben.zstd.ZstdCompressCtx zstd;
    private final Held content = new Held();
    private byte[] packed = new byte[0];

    /** A reusable in-memory copy of one entry's content. */
    private static final class Held extends ByteArrayOutputStream {
        byte[] bytes() {
            return buf;
        }
    }

    private Placed addStored(ZipArchiveEntry entry, Path file, long size, String sha256) throws IOException {
        entry.setMethod(ZipArchiveEntry.STORED);
        entry.setCompressedSize(size);
        long offset = counted.count;
        zip.putArchiveEntry(entry);
        entries++;
        MessageDigest sha = io.backuprouter.crypto.Digests.sha256();
        long read = copy(file, size, sha, new CRC32(), zip);
        long written = Math.max(0, Math.min(read, size));
        if (written < size) {
            // The file shrank or could not be read to the end: pad so the archive stays well-formed; it is rewritten.
            java.util.Arrays.fill(buffer, (byte) 0);
            for (long pad = size - written; pad > 0; pad -= Math.min(pad, buffer.length)) {
                zip.write(buffer, 0, (int) Math.min(pad, buffer.length));
            }
        }
        try {
            zip.closeArchiveEntry();
        } catch (java.util.zip.ZipException badCrc) {
            throw new ContentChanged(entry.getName()); // the content no longer matches the CRC of its first read
        }
        if (read != size || !HexFormat.of().formatHex(sha.digest()).equals(sha256)) {
            throw new ContentChanged(entry.getName());
        }
        return new Placed(offset, size);
    }

    /**
     * Copies at most {@code size} bytes of the file (one more, to see it grew), hashing them; returns
     * how many it read, or -1 when the file could not be read (deleted, unreadable since).
     */
    private long copy(Path file, long size, MessageDigest sha, CRC32 crc, OutputStream out) throws IOException {
        long total = 0;
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (IOException gone) {
            return -1;
        }
        try (in) {
            while (total <= size) {
                int n;
                try {
                    n = in.read(buffer, 0, (int) Math.min(buffer.length, size - total + 1));
                } catch (IOException readError) {
                    return -1; // reading the source failed; writing the archive fails loudly below
                }
                if (n <= 0) {
                    break;
                }
                int use = (int) Math.min(n, size - total);
                sha.update(buffer, 0, use);
                crc.update(buffer, 0, use);
                out.write(buffer, 0, use);
                total += n;
            }
        }
        return total;
    }

    private OutputStream compressor(Method method, OutputStream out) throws IOException {
        if (method == Method.ZSTD) {
            return new com.github.luben.zstd.ZstdOutputStream(out, level);
        }
        return new DeflaterOutputStream(out, new Deflater(level, true), BUFFER) {
            @Override
            public void close() throws IOException {
                super.close();
                def.end();
            }
        };
    }

    /** How many entries the archive holds so far. */
    public int entries() {
        return entries;
    }

    /** Ends the zip and the age stream; the archive file is complete. */
    @Override
    public void close() throws IOException {
        try {
            zip.finish();
            zip.close();
        } finally {
            if (zstd != null) {
                zstd.close();
            }
        }
    }

    /** Counts the plaintext bytes the zip writes, so that each entry's offset is known. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Compressed content held until its size is known: in memory when small, else in a temporary file. */
    private static final class Spool implements AutoCloseable {
        private final Held memory;
        private final Path file;
        private final OutputStream out;
        private long size;

        Spool(Path folder, long contentSize) throws IOException {
            if (contentSize <= MEMORY_SPOOL) {
                memory = new Held();
                file = null;
                out = memory;
            } else {
                memory = null;
                file = Files.createTempFile(folder, ".spool-", ".tmp");
                out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
            }
        }

        OutputStream out() {
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    size += len;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    size++;
                }
            };
        }

        long size() {
            return size;
        }

        InputStream in() throws IOException {
            return memory != null ? new ByteArrayInputStream(memory.bytes(), 0, memory.size()) : Files.newInputStream(file);
        }

        @Override
        public void close() throws IOException {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

}
