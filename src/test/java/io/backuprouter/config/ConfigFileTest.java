package io.backuprouter.config;

import io.backuprouter.values.ByteSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheLineOfEveryKeyIncludingAfterContinuationsAndComments() throws IOException {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, """
                # comment
                a.one = 1

                a.two: long \\
                  value continued
                ! another comment
                a.three 3
                """);
        ConfigFile config = ConfigFile.load(file);

        assertThat(config.line("a.one")).isEqualTo(2);
        assertThat(config.line("a.two")).isEqualTo(4);
        assertThat(config.line("a.three")).isEqualTo(7);
        assertThat(config.raw("a.two")).isEqualTo("long value continued");
        assertThat(config.line("not.there")).isZero();
    }

    @Test
    void resolvesKeysDefaultsSystemPropertiesAndFiles() throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "  s3cr3t-from-file\n");
        System.setProperty("config-file-test.port", "9123");
        ConfigFile config = ConfigFile.of("t.properties", Map.of(
                "host", "127.0.0.1",
                "url", "http://{{host}}:{{sys:config-file-test.port}}/{{missing:fallback}}",
                "env-default", "{{env:SURELY_NOT_SET_BACKUP_ROUTER_X:dflt}}",
                "secret", "{{file:" + secret + "}}"));

        assertThat(config.resolve("url")).isEqualTo("http://127.0.0.1:9123/fallback");
        assertThat(config.resolve("env-default")).isEqualTo("dflt");
        assertThat(config.resolve("secret")).isEqualTo("s3cr3t-from-file");
        assertThat(config.resolve("absent")).isNull();
    }

    @Test
    void unresolvablePlaceholdersSayWhatIsMissingAndHowToFixIt() {
        ConfigFile config = ConfigFile.of("t.properties", Map.of(
                "a", "{{env:SURELY_NOT_SET_BACKUP_ROUTER_Y}}",
                "b", "{{nowhere}}",
                "loop1", "{{loop2}}",
                "loop2", "{{loop1}}",
                "f", "{{file:/definitely/not/here}}"));

        assertThatThrownBy(() -> config.resolve("a")).hasMessageContaining("environment variable SURELY_NOT_SET_BACKUP_ROUTER_Y is not set");
        assertThatThrownBy(() -> config.resolve("b")).hasMessageContaining("{{nowhere}}");
        assertThatThrownBy(() -> config.resolve("loop1")).hasMessageContaining("loop");
        assertThatThrownBy(() -> config.resolve("f")).hasMessageContaining("/definitely/not/here");
    }

    @Test
    void aMisspeltPlaceholderFunctionIsRefusedNotTakenAsADefaultValue() {
        ConfigFile config = ConfigFile.of("t.properties", Map.of(
                "secret", "{{flie:config/secret-key}}",
                "key", "{{evn:S3_ACCESS_KEY}}",
                "plain", "{{dev:false}}",
                "region", "{{aws.region:us-east-1}}"));

        assertThatThrownBy(() -> config.resolve("secret")).hasMessageContaining("no placeholder function \"flie\"")
                .satisfies(e -> assertThat(((ConfigFile.PlaceholderException) e).hint()).contains("did you mean {{file:...}}"))
                .hasMessageNotContaining("secret-key");
        assertThatThrownBy(() -> config.resolve("key")).hasMessageContaining("no placeholder function \"evn\"");
        assertThat(config.resolve("plain")).isEqualTo("false");
        assertThat(config.resolve("region")).isEqualTo("us-east-1");
    }

    @Test
    void keyLinesAreFoundAsPropertiesReadsThemAfterCommentsAndContinuations() throws IOException {
        Path file = dir.resolve("lines.properties");
        // A comment is never continued, even when it ends with a backslash; a continued value's
        // next line is part of it, even when it looks like a key or a comment.
        Files.writeString(file, """
                # a path like C:\\backups\\
                backup.job.a.source = /data
                backup.job.a.note = first \\
                  backup.job.a.source = not a key \\
                  # not a comment either
                ! old: C:\\
                backup.job.a.source = /other
                """);
        ConfigFile config = ConfigFile.load(file);

        assertThat(config.raw("backup.job.a.note")).isEqualTo("first backup.job.a.source = not a key # not a comment either");
        assertThat(config.line("backup.job.a.note")).isEqualTo(3);
        assertThat(config.repeated()).containsOnlyKeys("backup.job.a.source")
                .containsEntry("backup.job.a.source", java.util.List.of(2, 7));
    }

    @Test
    void aKeySetTwiceIsAProblemNamingBothLines() throws IOException {
        Path file = dir.resolve("twice.properties");
        Files.writeString(file, """
                backup.targets.a.provider = minio
                backup.targets.a.endpoint = http://127.0.0.1:9000
                backup.targets.a.bucket = old
                backup.targets.a.access-key = key
                backup.targets.a.secret-key = secretsecretsecret
                # later, someone adds:
                backup.targets.a.bucket = new
                """);

        assertThat(ConfigFile.load(file).repeated()).containsEntry("backup.targets.a.bucket", java.util.List.of(3, 7));
        Path escaped = dir.resolve("escaped.properties");
        Files.writeString(escaped, "my\\:first = 1\nmy\\:second = 2\nmy\\ key = 3\n");
        assertThat(ConfigFile.load(escaped).repeated()).isEmpty();
        assertThat(ConfigFile.load(escaped).line("my:second")).isEqualTo(2);
        assertThatThrownBy(() -> RouterSettings.read(ConfigFile.load(file)))
                .hasMessageContaining("twice.properties:7").hasMessageContaining("backup.targets.a.bucket")
                .hasMessageContaining("set more than once (lines 3, 7)").hasMessageContaining("keep one of them")
                .hasMessageNotContaining("secretsecretsecret");
    }

    @Test
    void aMissingFileIsAConfigProblemNamingIt() {
        assertThatThrownBy(() -> ConfigFile.load(dir.resolve("nope.properties")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.properties")
                .hasMessageContaining("file not found");
    }

    @Test
    void sizesParseInBinaryAndDecimalUnits() {
        assertThat(ByteSize.parse("16MiB")).isEqualTo(16L << 20);
        assertThat(ByteSize.parse("16M")).isEqualTo(16L << 20);
        assertThat(ByteSize.parse("5 GiB")).isEqualTo(5L << 30);
        assertThat(ByteSize.parse("100KB")).isEqualTo(100_000);
        assertThat(ByteSize.parse("1048576")).isEqualTo(1 << 20);
        assertThat(ByteSize.format(16L << 20)).isEqualTo("16 MiB");
        assertThatThrownBy(() -> ByteSize.parse("12Q")).hasMessageContaining("\"12Q\" is not a size");
    }
}
