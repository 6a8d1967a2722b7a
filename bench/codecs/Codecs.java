import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Deflate (the format's codec: zlib through java.util.zip, at level 1, the jobs' default) against
 * zstd on the benchmark data set's compressible content, in memory: what the codec alone costs.
 * Run from the repository, with the zstd-jni jar from Maven Central (not a dependency of the
 * product):
 * <pre>
 * mvn -q dependency:get -Dartifact=com.github.luben:zstd-jni:1.5.7-28
 * java -Xmx3g -cp ~/.m2/repository/com/github/luben/zstd-jni/1.5.7-28/zstd-jni-1.5.7-28.jar bench/codecs/Codecs.java DATA
 * </pre>
 * DATA is the folder bench/run.sh generates (gen_data.py). Content that does not shrink (the
 * random half) is left out: both formats store it.
 */
public class Codecs {
    public static void main(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(Path.of(args[0]))) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        Collections.sort(files);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long stored = 0;
        for (Path file : files) {
            if (incompressible(file)) {
                stored += Files.size(file);
            } else {
                all.write(Files.readAllBytes(file));
            }
        }
        byte[] content = all.toByteArray();
        System.out.printf("compressible content: %d MiB (content that does not shrink, stored by both: %d MiB)%n",
                content.length >> 20, stored >> 20);
        byte[] buffer = new byte[1 << 20];
        for (int repetition = 0; repetition < 2; repetition++) {
            Deflater deflater = new Deflater(1, true);
            deflater.setInput(content);
            deflater.finish();
            ByteArrayOutputStream deflated = new ByteArrayOutputStream();
            long start = System.nanoTime();
            while (!deflater.finished()) {
                deflated.write(buffer, 0, deflater.deflate(buffer));
            }
            long compress = System.nanoTime() - start;
            Inflater inflater = new Inflater(true);
            inflater.setInput(deflated.toByteArray());
            long inflatedBytes = 0;
            start = System.nanoTime();
            while (!inflater.finished()) {
                inflatedBytes += inflater.inflate(buffer);
            }
            long decompress = System.nanoTime() - start;
            check(inflatedBytes, content.length, "deflate");
            System.out.printf("deflate level 1 (zlib): %d MiB, compress %.2f s, decompress %.2f s%n", deflated.size() >> 20,
                    compress / 1e9, decompress / 1e9);
            for (int level : new int[] {1, 3}) {
                start = System.nanoTime();
                byte[] zstd = Zstd.compress(content, level);
                compress = System.nanoTime() - start;
                long read = 0;
                start = System.nanoTime();
                try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(zstd))) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        read += n;
                    }
                }
                decompress = System.nanoTime() - start;
                check(read, content.length, "zstd " + level);
                System.out.printf("zstd level %d: %d MiB, compress %.2f s, decompress %.2f s%n", level, zstd.length >> 20,
                        compress / 1e9, decompress / 1e9);
            }
        }
    }

    private static void check(long got, long expected, String codec) {
        if (got != expected) {
            throw new IllegalStateException(codec + " gave back " + got + " bytes of " + expected);
        }
    }

    /** As the backup decides for a large file: a fast deflate of its first 64 KiB saves less than 5 %. */
    private static boolean incompressible(Path file) throws IOException {
        byte[] sample = new byte[65536];
        int length;
        try (InputStream in = Files.newInputStream(file)) {
            length = in.readNBytes(sample, 0, sample.length);
        }
        if (length < 128) {
            return false;
        }
        Deflater deflater = new Deflater(1, true);
        deflater.setInput(sample, 0, length);
        deflater.finish();
        byte[] out = new byte[length + 1024];
        int compressed = 0;
        while (!deflater.finished()) {
            compressed += deflater.deflate(out);
        }
        return compressed > length * 0.95;
    }
}
