package io.backuprouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterSettingsTest {
    @TempDir
    Path dir;

    @Test
    void everyProblemIsReportedAtOnceWithFileLineKeyAndFix() throws IOException {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, """
                backup.targets.r2.provider = cloudfare-r2
                backup.targets.r2.bukcet = photos
                backup.targets.oss.provider = aliyun-oss
                backup.targets.oss.region = cn-hangzhou
                backup.targets.oss.bucket = Bad_Bucket
                backup.targets.oss.access-key = {{env:SURELY_NOT_SET_BACKUP_ROUTER_Z}}
                backup.targets.oss.secret-key = {{env:SURELY_NOT_SET_BACKUP_ROUTER_Z:x}}
                backup.targets.oss.part-size = 12Q
                backup.target.typo.bucket = y
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouterSettings.read(ConfigFile.load(file)));

        String where = file.toString();
        assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .startsWith(where + ":1: backup.targets.r2.provider: unknown provider \"cloudfare-r2\"")
                .contains("did you mean cloudflare-r2?").contains("aliyun-oss, tencent-cos"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .startsWith(where + ":2: backup.targets.r2.bukcet: unknown setting").contains("did you mean backup.targets.r2.bucket?"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .startsWith(where + ":5: backup.targets.oss.bucket: \"Bad_Bucket\" is not a valid bucket name"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .startsWith(where + ":6: backup.targets.oss.access-key: environment variable SURELY_NOT_SET_BACKUP_ROUTER_Z is not set"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .startsWith(where + ":8: backup.targets.oss.part-size: \"12Q\" is not a size"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .startsWith(where + ":9: backup.target.typo.bucket: unknown setting").contains("did you mean backup.targets?"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .contains("backup.targets.r2.bucket: is missing").contains(where + ":1:"));
        assertThat(e.getMessage()).contains("The configuration has " + e.problems().size() + " problems");
    }

    @Test
    void aSecretInPlainTextIsRefusedWithoutRepeatingIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.m.provider", "minio",
                "backup.targets.m.endpoint", "http://127.0.0.1:9000",
                "backup.targets.m.bucket", "b-1",
                "backup.targets.m.access-key", "{{sys:user.name}}",
                "backup.targets.m.secret-key", "PlainTextSecretValue42"))));

        assertThat(e.getMessage()).contains("backup.targets.m.secret-key: is written in plain text")
                .doesNotContain("PlainTextSecretValue42");
    }

    @Test
    void anAccessKeyInPlainTextIsRefusedToo() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.m.provider", "minio",
                "backup.targets.m.endpoint", "http://127.0.0.1:9000",
                "backup.targets.m.bucket", "b-1",
                "backup.targets.m.access-key", "AKIAIOSFODNN7EXAMPLE",
                "backup.targets.m.secret-key", "{{sys:user.name}}"))));

        assertThat(e.getMessage()).contains("backup.targets.m.access-key: is written in plain text")
                .doesNotContain("AKIAIOSFODNN7EXAMPLE");
    }

    @Test
    void aSecretInPlainTextGivenWithDashDIsReportedAgainstTheCommandLineNotTheFile() throws IOException {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, """
                backup.targets.a.provider = minio
                backup.targets.a.endpoint = http://127.0.0.1:9000
                backup.targets.a.bucket = b-1
                backup.targets.a.access-key = {{sys:user.name}}
                backup.targets.a.secret-key = {{env:SURELY_NOT_SET_BACKUP_ROUTER_S:x}}
                """);
        System.setProperty("backup.targets.a.secret-key", "PlainTextSecretFromDashD42");
        System.setProperty("backup.targets.a.bukcet", "b-2");
        ConfigException e;
        try {
            e = catchThrowableOfType(ConfigException.class, () -> RouterSettings.read(ConfigFile.load(file)));
        } finally {
            System.clearProperty("backup.targets.a.secret-key");
            System.clearProperty("backup.targets.a.bukcet");
        }

        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
                "the command line (-Dbackup.targets.a.bukcet): unknown setting\n    hint: did you mean backup.targets.a.bucket?",
                "the command line (-Dbackup.targets.a.secret-key): is written in plain text, which every user of this"
                        + " machine can read in the process list\n    hint: give a placeholder instead:"
                        + " -Dbackup.targets.a.secret-key={{env:NAME}} or {{file:/path}}");
        assertThat(e.getMessage()).doesNotContain("PlainTextSecretFromDashD42").doesNotContain(file + ":5");
    }

    @Test
    void presetsFillEndpointRegionAddressingAndPartSize() {
        System.setProperty("rst.key", "AKIDEXAMPLE");
        RouterSettings settings = RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.r2.provider", "cloudflare-r2",
                "backup.targets.r2.account", "abc123",
                "backup.targets.r2.bucket", "photos",
                "backup.targets.r2.access-key", "{{sys:rst.key}}",
                "backup.targets.r2.secret-key", "{{sys:rst.key}}",
                "backup.targets.oss.provider", "aliyun-oss",
                "backup.targets.oss.region", "cn-shanghai",
                "backup.targets.oss.bucket", "photos",
                "backup.targets.oss.access-key", "{{sys:rst.key}}",
                "backup.targets.oss.secret-key", "{{sys:rst.key}}")));

        TargetSettings r2 = settings.target("r2").orElseThrow();
        assertThat(r2.endpoint()).hasToString("https://abc123.r2.cloudflarestorage.com");
        assertThat(r2.region()).isEqualTo("auto");
        assertThat(r2.pathStyle()).isTrue();
        assertThat(r2.partSize()).isEqualTo(16L << 20);
        TargetSettings oss = settings.target("oss").orElseThrow();
        assertThat(oss.endpoint()).hasToString("https://s3.oss-cn-shanghai.aliyuncs.com");
        assertThat(oss.pathStyle()).isFalse();
    }

    @Test
    void aPartSizeOutsideTheProviderLimitsIsRefused() {
        System.setProperty("rst.key", "AKIDEXAMPLE");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.m.provider", "minio",
                "backup.targets.m.endpoint", "http://127.0.0.1:9000",
                "backup.targets.m.bucket", "b-1",
                "backup.targets.m.part-size", "1MiB",
                "backup.targets.m.access-key", "{{sys:rst.key}}",
                "backup.targets.m.secret-key", "{{sys:rst.key}}"))));

        assertThat(e.getMessage()).contains("backup.targets.m.part-size: 1 MiB is outside what MinIO allows")
                .contains("use 5MiB to 5GiB");
    }

    @Test
    void aFolderTargetNeedsOnlyItsPath() {
        RouterSettings settings = RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.nas.type", "folder",
                "backup.targets.nas.path", "/mnt/nas")));
        assertThat(settings.target("nas").orElseThrow().isFolder()).isTrue();
        assertThat(settings.target("nas").orElseThrow().location()).isEqualTo("/mnt/nas");
    }
}
