package io.backuprouter.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Reads a file once to learn what packing needs: its SHA-256 (identity of the content), its CRC-32
 * (zip entries carry it in their local header) and whether compressing would shrink it.
 */
final class ContentHasher {
    /** Formats that are compressed already: stored, not deflated. */
    static final Set<String> COMPRESSED_EXTENSIONS = Set.of(
            "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "jxl", "mp4", "m4v", "mov", "mkv", "webm", "avi",
            "mp3", "m4a", "aac", "ogg", "opus", "flac", "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "lz4",
            "jar", "apk", "pdf", "docx", "xlsx", "pptx", "odt", "ods", "epub", "woff", "woff2", "age", "gpg");
    private static final int SAMPLE = 64 * 1024;
    /** Content shorter than this is stored: a compressed frame's own bytes would cost more than it saves. */
    static final int TINY = 128;
    private static final int BUFFER = 256 * 1024;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);
    private static final ThreadLocal<byte[]> SAMPLES = ThreadLocal.withInitial(() -> new byte[SAMPLE]);

    private ContentHasher() {
    }

    /**
     * @param sha256 hex SHA-256
     * @param crc32 CRC-32 of the content
     * @param size bytes read
     * @param compress whether to compress it (false for compressed formats, content under {@value #TINY} bytes,
     *                and content over 64 KiB whose first 64 KiB do not shrink)
     */
    record Hashed(String sha256, long crc32, long size, boolean compress) {
    }

    static Hashed hash(Path file, String relativePath) throws IOException {
        MessageDigest sha = sha256();
        CRC32 crc = new CRC32();
        // Reused: a first backup hashes thousands of files, and fresh buffers for each cost more than the hashing of small ones.
        byte[] buffer = BUFFERS.get();
        byte[] sample = SAMPLES.get();
        int sampled = 0;
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                crc.update(buffer, 0, n);
                if (sampled < SAMPLE) {
                    int take = Math.min(n, SAMPLE - sampled);
                    System.arraycopy(buffer, 0, sample, sampled, take);
                    sampled += take;
                }
                size += n;
            }
        }
        // Content up to the sample's size is compressed without a trial: the trial would cost as much as
        // the compression itself (most files of a typical tree are that small), and small content gains little
        // from being stored.
        boolean compress = !compressedFormat(relativePath) && size >= TINY && (size <= SAMPLE || shrinks(sample, sampled));
        return new Hashed(HexFormat.of().formatHex(sha.digest()), crc.getValue(), size, compress);
    }

    static boolean compressedFormat(String path) {
        int dot = path.lastIndexOf('.');
        return dot >= 0 && COMPRESSED_EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Whether a fast compression (zstd level 1) of the first bytes saves at least 5%, whatever the job's codec. */
    private static boolean shrinks(byte[] sample, int length) {
        if (length < 128) {
            return length > 0;
        }
        byte[] out = new byte[(int) com.github.luben.zstd.Zstd.compressBound(length)];
        long compressed = com.github.luben.zstd.Zstd.compressByteArray(out, 0, out.length, sample, 0, length, 1);
        return !com.github.luben.zstd.Zstd.isError(compressed) && compressed < length * 0.95;
    }

    static MessageDigest sha256() {
        return io.backuprouter.crypto.Digests.sha256();
    }
}
