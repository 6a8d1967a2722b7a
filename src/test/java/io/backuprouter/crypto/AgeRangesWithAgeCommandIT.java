package io.backuprouter.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that Debian's age command encrypted read in ranges too: the chunk layout and nonces are
 * age's, not only Jagged's. CI installs age; the test fails, rather than skips, when it is missing.
 */
class AgeRangesWithAgeCommandIT {
    private static final int CHUNK = 65536;

    @TempDir
    Path dir;

    @Test
    void rangesOfFilesTheAgeCommandEncryptedReadAsTheirContent() throws Exception {
        AgeKeys.AgeKeyPair key = AgeKeys.generate();
        AgeKeys.AgeKeyPair other = AgeKeys.generate();
        AgeIdentity identity = AgeIdentity.of(key.identity(), "test");
        for (int size : new int[] {0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 1 << 20, (1 << 20) + 12345}) {
            byte[] plain = new byte[size];
            new Random(size).nextBytes(plain);
            Path in = Files.write(dir.resolve(size + ".bin"), plain);
            Path out = dir.resolve(size + ".bin.age");
            run(List.of("age", "-r", other.recipient(), "-r", key.recipient(), "-o", out.toString(), in.toString()));
            byte[] encrypted = Files.readAllBytes(out);

            try (AgeRanges ranges = AgeRanges.open((offset, length) -> slice(out, offset, length), encrypted.length, identity)) {
                assertThat(ranges.plaintextSize()).isEqualTo(size);
                for (long[] range : ranges(size, new Random(-size))) {
                    try (InputStream part = ranges.read(range[0], range[1])) {
                        assertThat(part.readAllBytes()).as("%d bytes from %d of %d", range[1], range[0], size)
                                .isEqualTo(Arrays.copyOfRange(plain, (int) range[0], (int) (range[0] + range[1])));
                    }
                }
            }
        }
    }

    private static List<long[]> ranges(int size, Random random) {
        List<long[]> ranges = new ArrayList<>(List.of(new long[] {0, size}));
        if (size > 0) {
            ranges.add(new long[] {size - 1, 1});
        }
        for (int boundary = CHUNK; boundary < size; boundary += CHUNK) {
            ranges.add(new long[] {boundary - 3, Math.min(6, size - boundary + 3)});
        }
        for (int i = 0; i < 10 && size > 0; i++) {
            int offset = random.nextInt(size);
            ranges.add(new long[] {offset, random.nextInt(size - offset + 1)});
        }
        return ranges;
    }

    /** A byte range of a file, as a store's ranged GET gives it. */
    private static InputStream slice(Path file, long offset, long length) throws IOException {
        InputStream in = Files.newInputStream(file);
        in.skipNBytes(offset);
        return new java.io.FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                return left-- > 0 ? super.read() : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }
        };
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
