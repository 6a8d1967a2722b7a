package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.AppProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/backup-router}: the launcher the README and the benchmark use. */
class LauncherIT {
    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {
    }

    Run launch(String... args) throws IOException, InterruptedException {
        return launch(java.util.Map.of(), args);
    }

    /** With these environment variables set (an empty value removes one). */
    Run launch(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(Path.of("bin/backup-router").toAbsolutePath()
                .toString()), Stream.of(args)).toList()).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("BACKUP_ROUTER_JAR", AppProcess.jar().toString());
        builder.environment().put("BACKUP_ROUTER_CDS_DIR", dir.resolve("cds").toString());
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void underLangCTheLauncherStillBacksUpFilesWhoseNamesAreNotAscii() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source/donn\u00e9es"));
        Files.writeString(source.resolve("\u00e9t\u00e9.txt"), "summer");
        Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(dir.resolve("routes"));
        Files.createDirectories(dir.resolve("nas"));
        Run keygen = launch("keygen", "-o", dir.resolve("config/identity.txt").toString());
        String recipient = keygen.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
        Files.writeString(dir.resolve("config/application.properties"), "backup.embedded-s3.enabled = false\n"
                + "backup.targets.nas.type = folder\nbackup.targets.nas.path = " + dir.resolve("nas") + "\n");
        Files.writeString(dir.resolve("routes/summer.camel.yaml"), """
                - route:
                    from:
                      uri: direct:summer
                      steps:
                        - to:
                            uri: kamelet:backup-run
                            parameters:
                              job: summer
                              source: %s
                              targets: nas
                              recipients: %s
                """.formatted(dir.resolve("source"), recipient));

        Run backup = launch(java.util.Map.of("LANG", "C", "LC_ALL", "", "LC_CTYPE", ""), "backup", "summer");

        assertThat(backup.exitCode()).as(backup.stdout() + backup.stderr()).isZero();
        assertThat(backup.stdout()).contains("added 1 file").doesNotContain("warning");
        assertThat(backup.stderr()).doesNotContain("file names are read as");

        // Java started without the launcher, under LANG=C: said at start, and the file is named, not a failed run.
        Files.writeString(dir.resolve("source/donn\u00e9es/\u00e9t\u00e9.txt"), "autumn");
        ProcessBuilder plain = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                AppProcess.jar().toString(), "backup", "summer").directory(dir.toFile())
                .redirectOutput(dir.resolve("plain-out.txt").toFile()).redirectError(dir.resolve("plain-err.txt").toFile());
        plain.environment().put("LANG", "C");
        plain.environment().remove("LC_ALL");
        plain.environment().remove("LC_CTYPE");
        Process process = plain.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("plain-out.txt"));
        String err = Files.readString(dir.resolve("plain-err.txt"));
        assertThat(process.exitValue()).as(out + err).isZero();
        assertThat(err).contains("file names are read as").contains("LANG=C.UTF-8");
        assertThat(out).contains("cannot be read").contains("run with a UTF-8 locale");
    }

    @Test
    void theFirstRunWritesTheClassArchiveTheNextRunsUseAndOutputStaysClean() throws Exception {
        Run first = launch("keygen", "-o", dir.resolve("first.txt").toString());
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdout().strip().lines().toList()).last().asString().startsWith("age1");
        List<Path> archives;
        try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
            archives = files.toList();
        }
        assertThat(archives).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).endsWith(".jsa"));

        Run second = launch("keygen", "-o", dir.resolve("second.txt").toString());
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stdout().strip().lines().toList()).last().asString().startsWith("age1");
        assertThat(second.stdout()).doesNotContain("[warning]", "[error]", "cds");
        assertThat(second.stderr()).doesNotContain("[warning]", "[error]");

        Run wrong = launch("no-such-command");
        assertThat(wrong.exitCode()).isEqualTo(2);
    }

    @Test
    void theRouterWritesNoArchiveSoThatStoppingItIsNotDelayedTheFirstOneShotCommandDoes() throws Exception {
        // No command: the router's command line (here it only prints its version and exits).
        Run router = launch("--version");
        assertThat(router.exitCode()).as(router.stderr()).isZero();
        assertThat(dir.resolve("cds")).satisfiesAnyOf(cds -> assertThat(cds).doesNotExist(), cds -> assertThat(cds).isEmptyDirectory());

        Run keygen = launch("keygen", "-o", dir.resolve("key.txt").toString());
        assertThat(keygen.exitCode()).as(keygen.stderr()).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString().endsWith(".jsa");
        }
    }

    @Test
    void archivesOfEarlierBuildsAreRemovedKeepingTheNewestThree() throws Exception {
        Path cds = Files.createDirectories(dir.resolve("cds"));
        for (int i = 1; i <= 4; i++) {
            Path old = Files.writeString(cds.resolve("backup-router-100" + i + "-1700000000-42.jsa"), "an earlier build's");
            Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L + i * 60_000L));
        }
        Path unrelated = Files.writeString(cds.resolve("notes.txt"), "not an archive");

        Run run = launch("keygen", "-o", dir.resolve("key.txt").toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> left;
        try (Stream<Path> files = Files.list(cds)) {
            left = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertThat(left).hasSize(4).contains("backup-router-1003-1700000000-42.jsa", "backup-router-1004-1700000000-42.jsa",
                "notes.txt").doesNotContain("backup-router-1001-1700000000-42.jsa", "backup-router-1002-1700000000-42.jsa");
        assertThat(unrelated).exists();
    }

    @Test
    void aSignalToTheLauncherStopsTheJvmAlsoOnTheFirstRunWhichWritesTheArchive() throws Exception {
        // The first run (no class archive yet) runs the JVM as a child of the script: a TERM sent to
        // the script (docker stop, kill PID) must reach the JVM, or it runs on alone holding its port.
        stopTheFirstRunWith("TERM", 143);
    }

    @Test
    void ctrlCStopsTheFirstRunToo() throws Exception {
        // A background child of a non-interactive shell ignores INT: passed on as INT, Ctrl-C did nothing.
        stopTheFirstRunWith("INT", 130);
    }

    private void stopTheFirstRunWith(String signal, int exitCode) throws Exception {
        Path stdout = dir.resolve("serve.txt");
        // Started as from a terminal, where INT is not ignored: a test run started in the background
        // (nohup, some CI runners) passes INT on ignored, and no shell can trap a signal ignored on entry.
        List<String> command = new java.util.ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of("bin/backup-router").toAbsolutePath().toString(), "serve-s3",
                "--dir", dir.resolve("s3").toString(), "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectErrorStream(true);
        builder.environment().put("BACKUP_ROUTER_JAR", AppProcess.jar().toString());
        builder.environment().put("BACKUP_ROUTER_CDS_DIR", dir.resolve("cds").toString());
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process launcher = builder.start();
        List<ProcessHandle> jvms = new java.util.ArrayList<>();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1))
                    .until(() -> Files.readString(stdout).contains("Press Ctrl-C to stop.") || !launcher.isAlive());
            jvms.addAll(launcher.descendants().toList());
            assertThat(jvms).as(Files.readString(stdout)).isNotEmpty();

            // To the script only (in a terminal, Ctrl-C reaches the JVM too, which ignores it).
            assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(launcher.pid())).start().waitFor()).isZero();

            assertThat(launcher.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(launcher.exitValue()).as(Files.readString(stdout)).isEqualTo(exitCode);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> jvms.stream().noneMatch(ProcessHandle::isAlive));
            try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
            }
        } finally {
            jvms.forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }
}
