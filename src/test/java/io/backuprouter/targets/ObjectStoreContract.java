package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link ObjectStore} keeps (see its Javadoc). Each implementation runs this
 * suite by extending it and saying how to open a fresh, empty store under a given root path.
 */
abstract class ObjectStoreContract {
    /** Larger than every part size the implementations use here, so S3 stores go multipart. */
    static final int LARGE = 12 * 1024 * 1024 + 12345;

    /** The S3 stores' part size here (TestTargets): a LARGE object goes up in three parts. */
    static final int PART = 5 * 1024 * 1024;

    @TempDir
    Path temp;

    ObjectStore store;

    /** A fresh store; stores opened with the same scope and different roots share one bucket or folder. */
    abstract ObjectStore open(String rootPath) throws Exception;

    /** Leaves what a put killed half-way leaves behind for the key (an incomplete multipart upload, a temp file). */
    abstract void interruptPut(String key) throws Exception;

    @Test
    void interruptedPutsAreInvisibleAndRemovedOnlyWhenOlderThanAsked() throws Exception {
        store.put("archives/done", new byte[] {1});
        interruptPut("archives/half");

        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("archives/done");
        assertThat(store.stat("archives/half")).isEmpty();
        assertThat(store.removeIncompleteUploads("archives/", java.time.Instant.now().minusSeconds(3600))).isZero();
        assertThat(store.removeIncompleteUploads("other/", java.time.Instant.now().plusSeconds(60))).isZero();
        assertThat(store.removeIncompleteUploads("archives/", java.time.Instant.now().plusSeconds(60))).isEqualTo(1);
        assertThat(store.removeIncompleteUploads("archives/", java.time.Instant.now().plusSeconds(60))).isZero();
        assertThat(store.stat("archives/done")).isPresent();
    }

    @BeforeEach
    void openStore() throws Exception {
        store = open("root-" + System.nanoTime());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void putThenGetReturnsTheSameBytes() throws IOException {
        byte[] content = "hello, backup\n".getBytes(StandardCharsets.UTF_8);
        store.put("snapshots/one.json", content);

        try (InputStream in = store.get("snapshots/one.json")) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(store.stat("snapshots/one.json")).get()
                .satisfies(info -> assertThat(info.size()).isEqualTo(content.length))
                .satisfies(info -> assertThat(info.key()).isEqualTo("snapshots/one.json"));
    }

    @Test
    void largeFileRoundTripsIntact() throws Exception {
        Path file = randomFile("large.bin", LARGE, 42);
        store.put("archives/large.zip.age", file);

        assertThat(store.stat("archives/large.zip.age")).get()
                .satisfies(info -> assertThat(info.size()).isEqualTo(LARGE));
        try (InputStream in = store.get("archives/large.zip.age")) {
            assertThat(sha256(in)).isEqualTo(sha256(Files.newInputStream(file)));
        }
    }

    @Test
    void emptyContentIsAnObject() throws IOException {
        store.put("empty", new byte[0]);
        assertThat(store.stat("empty")).get().satisfies(info -> assertThat(info.size()).isZero());
        try (InputStream in = store.get("empty")) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void putReplacesAnExistingObject() throws IOException {
        store.put("k", "first".getBytes(StandardCharsets.UTF_8));
        store.put("k", "second, longer".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = store.get("k")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second, longer");
        }
    }

    @Test
    void missingObjectIsReportedNotEmpty() throws IOException {
        assertThat(store.stat("nope/missing")).isEmpty();
        assertThatThrownBy(() -> store.get("nope/missing").close())
                .isInstanceOf(NoSuchObjectException.class)
                .hasMessageContaining("nope/missing")
                .hasMessageContaining(store.name());
    }

    @Test
    void aRangedGetGivesTheSameSliceAsTheWholeObjectUpToItsEnd() throws Exception {
        Path file = randomFile("large.bin", LARGE, 7);
        byte[] content = Files.readAllBytes(file);
        String key = "archives/large.zip.age";
        store.put(key, file);

        // In the middle, across the end of the first part (S3 stores uploaded it in parts).
        assertThat(range(key, PART - 1000, 70_000)).isEqualTo(slice(content, PART - 1000, 70_000));
        assertThat(range(key, 0, 4096)).as("at the start").isEqualTo(slice(content, 0, 4096));
        assertThat(range(key, LARGE - 500, 500)).as("up to the end").isEqualTo(slice(content, LARGE - 500, 500));
        assertThat(range(key, LARGE - 1, 1)).as("the last byte").isEqualTo(slice(content, LARGE - 1, 1));
        assertThat(range(key, LARGE - 100, 1000)).as("crossing the end: what is there")
                .isEqualTo(slice(content, LARGE - 100, 100));
        assertThat(range(key, LARGE - 10, Long.MAX_VALUE)).as("a length that overflows: to the end")
                .isEqualTo(slice(content, LARGE - 10, 10));
        assertThat(range(key, 0, LARGE)).as("all of it").isEqualTo(content);
        assertThat(range(key, LARGE, 10)).as("at the end").isEmpty();
        assertThat(range(key, LARGE + 12345L, 10)).as("past the end").isEmpty();
        assertThat(range(key, 1000, 0)).as("length 0").isEmpty();
    }

    @Test
    void aRangedGetOfASmallOrEmptyObject() throws IOException {
        byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
        store.put("small", content);
        store.put("empty", new byte[0]);

        assertThat(range("small", 3, 4)).asString(StandardCharsets.UTF_8).isEqualTo("3456");
        assertThat(range("small", 8, 5)).asString(StandardCharsets.UTF_8).isEqualTo("89");
        assertThat(range("small", 0, 10)).isEqualTo(content);
        assertThat(range("small", 10, 1)).isEmpty();
        assertThat(range("empty", 0, 10)).isEmpty();
        assertThat(range("empty", 0, 0)).isEmpty();
    }

    @Test
    void aRangedGetOfAMissingObjectIsReportedNotEmpty() {
        for (long[] r : new long[][] {{0, 10}, {100, 10}, {0, 0}}) {
            assertThatThrownBy(() -> store.get("nope/missing", r[0], r[1]).close())
                    .as("offset %d, length %d", r[0], r[1])
                    .isInstanceOf(NoSuchObjectException.class)
                    .hasMessageContaining("nope/missing")
                    .hasMessageContaining(store.name());
        }
    }

    @Test
    void aNegativeOffsetOrLengthIsRefused() throws IOException {
        store.put("k", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> store.get("k", -1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset -1");
        assertThatThrownBy(() -> store.get("k", 0, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length -2");
    }

    byte[] range(String key, long offset, long length) throws IOException {
        try (InputStream in = store.get(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    static byte[] slice(byte[] content, int offset, int length) {
        return java.util.Arrays.copyOfRange(content, offset, offset + length);
    }

    @Test
    void listReturnsEveryObjectUnderThePrefixSortedAndRelativeToTheRoot() throws IOException {
        for (int i = 12; i >= 0; i--) {
            store.put(String.format("archives/%02d/a-%02d", i % 3, i), new byte[] {(byte) i});
        }
        store.put("snapshots/s1", new byte[] {1});

        List<ObjectInfo> archives = store.list("archives/");
        assertThat(archives).extracting(ObjectInfo::key)
                .hasSize(13)
                .isSorted()
                .allMatch(k -> k.startsWith("archives/"));
        assertThat(store.list("")).hasSize(14);
        assertThat(store.list("snapshots/")).extracting(ObjectInfo::key).containsExactly("snapshots/s1");
        assertThat(store.list("nothing-here/")).isEmpty();
    }

    @Test
    void storesWithOtherRootsDoNotSeeEachOther() throws Exception {
        store.put("shared-name", new byte[] {1});
        try (ObjectStore other = open("other-root-" + System.nanoTime())) {
            assertThat(other.stat("shared-name")).isEmpty();
            assertThat(other.list("")).isEmpty();
            other.put("shared-name", new byte[] {2, 2});
        }
        assertThat(store.stat("shared-name")).get().satisfies(info -> assertThat(info.size()).isEqualTo(1));
    }

    @Test
    void deleteRemovesAndIsIdempotent() throws IOException {
        store.put("d/x", new byte[] {1});
        store.delete("d/x");
        assertThat(store.stat("d/x")).isEmpty();
        assertThat(store.list("d/")).isEmpty();
        store.delete("d/x");
        store.delete("never/existed");
    }

    @Test
    void unicodeAndSpacesInKeysRoundTrip() throws IOException {
        String key = "archives/Fotos 2026/übersicht – 日本語.txt";
        store.put(key, "ü".getBytes(StandardCharsets.UTF_8));
        assertThat(store.list("archives/")).extracting(ObjectInfo::key).containsExactly(key);
        try (InputStream in = store.get(key)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ü");
        }
    }

    @Test
    void keysThatCouldEscapeTheRootAreRefused() {
        for (String bad : List.of("../escape", "a/../../b", "/absolute", "a//b", "./a", "trailing/")) {
            assertThatThrownBy(() -> store.put(bad, new byte[] {1}))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid object key");
        }
    }

    Path randomFile(String name, int size, long seed) throws IOException {
        Path file = temp.resolve(name);
        Random random = new Random(seed);
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, Math.min(buffer.length, size - written));
            }
        }
        return file;
    }

    static String sha256(InputStream in) throws Exception {
        try (in) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
