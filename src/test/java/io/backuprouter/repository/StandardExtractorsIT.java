package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.crypto.AgeEncryption;
import io.backuprouter.crypto.AgeKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the archive writer stores restores without this program (docs/format.md, "Restoring without
 * backup-router"): Debian's age, then bsdtar and 7-Zip for zstd entries (format version 2), and
 * also Info-ZIP unzip for deflated ones; byte for byte. CI installs age, libarchive-tools and 7zip.
 */
class StandardExtractorsIT {
    @TempDir
    Path dir;

    final AgeKeys.AgeKeyPair keys = AgeKeys.generate();

    @Test
    void zstdArchivesExtractWithBsdtarAnd7zipAndDeflatedOnesAlsoWithUnzip() throws Exception {
        Path identity = dir.resolve("identity.txt");
        Files.writeString(identity, keys.identityFile());
        Map<String, byte[]> contents = ArchiveWriterTest.sample();
        for (ArchiveWriter.Method method : List.of(ArchiveWriter.Method.ZSTD, ArchiveWriter.Method.DEFLATE)) {
            Path archive = write(method, contents);
            Path zip = dir.resolve(method + ".zip");
            run(List.of("age", "-d", "-i", identity.toString(), "-o", zip.toString(), archive.toString()));
            Path bsdtar = Files.createDirectories(dir.resolve(method + "-bsdtar"));
            run(List.of("bsdtar", "-xf", zip.toString(), "-C", bsdtar.toString()));
            Path sevenZip = Files.createDirectories(dir.resolve(method + "-7z"));
            run(List.of(sevenZip(), "x", "-y", "-o" + sevenZip, zip.toString()));
            List<Path> outs = new java.util.ArrayList<>(List.of(bsdtar, sevenZip));
            if (method == ArchiveWriter.Method.DEFLATE) {
                Path unzip = Files.createDirectories(dir.resolve(method + "-unzip"));
                run(List.of("unzip", "-q", zip.toString(), "-d", unzip.toString()));
                outs.add(unzip);
            }
            for (Path out : outs) {
                for (var content : contents.entrySet()) {
                    assertThat(Files.readAllBytes(out.resolve(content.getKey()))).as(out + ": " + content.getKey())
                            .isEqualTo(content.getValue());
                }
            }
        }
    }

    private Path write(ArchiveWriter.Method method, Map<String, byte[]> contents) throws Exception {
        Path archive = dir.resolve(method + ".zip.age");
        try (ArchiveWriter writer = new ArchiveWriter(archive, AgeEncryption.toRecipients(List.of(keys.recipient())), 3)) {
            for (var content : contents.entrySet()) {
                Path file = dir.resolve("src-" + method + "-" + content.getKey().replace('/', '_'));
                Files.write(file, content.getValue());
                assertThat(writer.add(content.getKey(), Instant.parse("2026-12-06T10:00:00Z"), 0644,
                        content.getKey().endsWith(".bin") ? ArchiveWriter.Method.STORED : method, file, content.getValue().length,
                        ArchiveWriterTest.sha(content.getValue()), ArchiveWriterTest.crc(content.getValue()))).isNotNull();
            }
        }
        return archive;
    }

    /** Debian's 7zip package installs 7zz; p7zip-full's 7z also reads zstd entries from 7-Zip 24.05 on. */
    private static String sevenZip() {
        for (String name : List.of("7zz", "7z")) {
            for (String folder : System.getenv("PATH").split(":")) {
                if (Files.isExecutable(Path.of(folder, name))) {
                    return name;
                }
            }
        }
        return "7zz"; // fails below, naming the program: CI installs Debian's 7zip
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
