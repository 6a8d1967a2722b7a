package io.backuprouter.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A seeded data set shaped like bench/gen_data.py's reference set (many small text and JSON files
 * in nested folders, some 1-10 MB files half random and half text, large files one random and one
 * compressible), scaled down for the fast campaigns, and the edits made between runs.
 */
final class ReferenceData {
    private final Random random;
    private final Path root;
    private int added;

    ReferenceData(Path root, long seed) {
        this.root = root;
        this.random = new Random(seed);
    }

    /** Writes the set: {@code small} small files, {@code medium} files of 1-10 MB, two of {@code largeBytes}. */
    void generate(int small, int medium, long largeBytes) throws IOException {
        for (int i = 0; i < small; i++) {
            Path file = root.resolve("docs/d" + (i % 7) + "/s" + (i % 3) + "/note-" + i + (i % 4 == 0 ? ".json" : ".txt"));
            writeText(file, 1024 + random.nextInt(20 * 1024));
        }
        for (int i = 0; i < medium; i++) {
            long size = 1024 * 1024 + random.nextInt(9 * 1024 * 1024);
            Path file = root.resolve("media/m" + i + (i % 2 == 0 ? ".bin" : ".log"));
            if (i % 2 == 0) {
                writeRandom(file, size);
            } else {
                writeText(file, size);
            }
        }
        writeRandom(root.resolve("large/disk.img"), largeBytes);
        writeText(root.resolve("large/export.csv"), largeBytes);
    }

    /** One round of edits: a few files rewritten, a few added, one deleted, and a new file of 6-9 MB. */
    void edit() throws IOException {
        List<Path> files = files();
        for (int i = 0; i < 3 && !files.isEmpty(); i++) {
            Path file = files.get(random.nextInt(files.size()));
            if (Files.size(file) < 1024 * 1024) {
                writeText(file, 1024 + random.nextInt(8 * 1024));
            }
        }
        Path gone = files.get(random.nextInt(files.size()));
        if (!gone.startsWith(root.resolve("large"))) {
            Files.delete(gone);
        }
        for (int i = 0; i < 4; i++) {
            writeText(root.resolve("docs/new/n" + added + "-" + i + ".txt"), 512 + random.nextInt(4096));
        }
        writeRandom(root.resolve("media/added-" + added + ".bin"), 6 * 1024 * 1024 + random.nextInt(3 * 1024 * 1024));
        added++;
    }

    List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return new ArrayList<>(all.filter(Files::isRegularFile).sorted().toList());
        }
    }

    /** Relative path (with /) to SHA-256 of every regular file below a folder. */
    static Map<String, String> hashes(Path root) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path file : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                // Restore temporaries are not filtered out: one left behind is a leak, and fails the comparison.
                hashes.put(root.relativize(file).toString().replace('\\', '/'), sha256(file));
            }
        }
        return hashes;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeText(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        String[] words = {"backup", "router", "snapshot", "archive", "restore", "mirror", "bucket", "{\"k\": 1}", "\n"};
        StringBuilder line = new StringBuilder();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; ) {
                line.setLength(0);
                for (int i = 0; i < 64; i++) {
                    line.append(words[random.nextInt(words.length)]).append(' ').append(random.nextInt(1000)).append(' ');
                }
                byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
                int n = (int) Math.min(bytes.length, size - written);
                out.write(bytes, 0, n);
                written += n;
            }
        }
    }

    private void writeRandom(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, size - written));
            }
        }
    }
}
