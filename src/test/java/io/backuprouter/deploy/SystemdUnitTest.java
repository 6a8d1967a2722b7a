package io.backuprouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/backup-router.service, checked by systemd itself ({@code systemd-analyze verify},
 * which reports unknown keys, bad values and an ExecStart that is not executable) and against the
 * launcher and the folder layout it runs in. systemd-analyze checks that ExecStart's program exists,
 * so the unit is verified as installed into a temporary folder: a copy with its folder,
 * /opt/backup-router, moved there, holding a copy of bin/backup-router.
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("deploy/systemd/backup-router.service");
    static final String FOLDER = "/opt/backup-router";

    @TempDir
    Path root;

    @Test
    void systemdAnalyzeVerifyHasNothingToSayAboutTheInstalledUnit() throws Exception {
        Path unit = installed();
        Result verify = run(systemdAnalyze(), "verify", "--man=no", unit.toString());
        assertThat(verify.output()).as("systemd-analyze verify %s", UNIT).isEmpty();
        assertThat(verify.exitCode()).isZero();
    }

    @Test
    void theHardeningKeepsTheServicesExposureLow() throws Exception {
        Path analyze = systemdAnalyze();
        Matcher version = Pattern.compile("systemd (\\d+)").matcher(run(analyze, "--version").output());
        assumeTrue(version.find() && Integer.parseInt(version.group(1)) >= 252,
                "systemd-analyze security --offline needs systemd 252 or later");
        // 0 is a service that can do nothing, 10 one with no restriction at all; 4 or less is "OK".
        Result security = run(analyze, "security", "--offline=yes", "--threshold=40", "--no-pager", installed().toString());
        assertThat(security.exitCode()).as("exposure above 4.0:%n%s", security.output()).isZero();
    }

    @Test
    void itRunsTheLauncherInTheFolderThatHoldsConfigAndRoutesAndWritesOnlyItsVar() throws IOException {
        Map<String, List<String>> service = section(Files.readString(UNIT), "Service");
        String folder = single(service, "WorkingDirectory");
        assertThat(folder).isEqualTo(FOLDER);
        assertThat(single(service, "ExecStart")).isEqualTo(folder + "/bin/backup-router run");
        assertThat(single(service, "ReadWritePaths")).isEqualTo(folder + "/var");
        assertThat(single(service, "ProtectSystem")).isEqualTo("strict");
        assertThat(single(service, "NoNewPrivileges")).isEqualTo("yes");
        assertThat(single(service, "Restart")).isEqualTo("on-failure");
        assertThat(single(service, "User")).isEqualTo("backup-router");
        // Every variable it sets is one the launcher reads, and what the launcher writes stays in var/.
        String launcher = Files.readString(Path.of("bin/backup-router"));
        Map<String, String> environment = new LinkedHashMap<>();
        service.getOrDefault("Environment", List.of()).forEach(e -> environment.put(e.split("=", 2)[0], e.split("=", 2)[1]));
        assertThat(environment).isNotEmpty().allSatisfy((name, value) ->
                assertThat(launcher).as("the launcher reads " + name).containsPattern("\\$\\{" + name + "[:}]"));
        assertThat(environment.get("BACKUP_ROUTER_CDS_DIR")).startsWith(folder + "/var/");
    }

    @Test
    void theOperationsPageSaysHowToInstallItAndReadItsLog() throws IOException {
        String page = Files.readString(Path.of("docs/operations.md"));
        assertThat(page).contains(UNIT.toString(), "useradd --system", "backup-router", "systemctl enable --now backup-router",
                "journalctl -u backup-router", FOLDER);
    }

    /** The unit as installed into the temporary folder, with the launcher it runs. */
    Path installed() throws IOException {
        Path folder = root.resolve(FOLDER.substring(1));
        Files.createDirectories(folder.resolve("bin"));
        Files.copy(Path.of("bin/backup-router"), folder.resolve("bin/backup-router"), StandardCopyOption.COPY_ATTRIBUTES);
        String unit = Files.readString(UNIT);
        assertThat(unit).contains(FOLDER);
        Path copy = root.resolve("backup-router.service");
        Files.writeString(copy, unit.replace(FOLDER, folder.toString()));
        return copy;
    }

    /** systemd-analyze, or the test is skipped (and says why) on a machine without systemd. */
    static Path systemdAnalyze() {
        Optional<Path> found = Stream.concat(Stream.of("/usr/bin", "/bin"),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)))
                .map(dir -> Path.of(dir, "systemd-analyze")).filter(Files::isExecutable).findFirst();
        assumeTrue(found.isPresent(), "systemd-analyze is not installed (Debian's package systemd; .ci/run installs it)");
        return found.get();
    }

    record Result(int exitCode, String output) {
    }

    static Result run(Path program, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** The keys of one section of a unit file and their values, in order (a key may repeat). */
    static Map<String, List<String>> section(String unit, String name) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String current = null;
        for (String line : unit.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                current = trimmed.substring(1, trimmed.length() - 1);
            } else if (name.equals(current) && !trimmed.isEmpty() && !trimmed.startsWith("#")) {
                String[] keyValue = trimmed.split("=", 2);
                keys.computeIfAbsent(keyValue[0], k -> new ArrayList<>()).add(keyValue[1]);
            }
        }
        return keys;
    }

    static String single(Map<String, List<String>> section, String key) {
        assertThat(section.get(key)).as(key).hasSize(1);
        return section.get(key).get(0);
    }
}
