package io.backuprouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every user-facing setting is declared once, typed, titled, described, and documented in the user guide (README.md and docs/). */
class SettingDeclarationsTest {
    static Stream<Setting> all() {
        return Stream.of(TargetSettings.SETTINGS, EmbeddedS3Settings.SETTINGS, JobSettings.SETTINGS, RestoreSettings.SETTINGS,
                        MirrorSettings.SETTINGS, HealthSettings.SETTINGS)
                .flatMap(List::stream);
    }

    @Test
    void everySettingHasAKebabCaseNameTitleCaseTitleTypeAndOneLineDescription() {
        assertThat(all().toList()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.name()).as("name").matches("[a-z][a-zA-Z0-9-]*");
            assertThat(s.title()).as(s.name() + " title").matches("([A-Z][A-Za-z0-9]*|TLS|S3)( ([A-Z][A-Za-z0-9]*|TLS|S3))*");
            assertThat(s.kind()).as(s.name() + " kind").isNotNull();
            assertThat(s.description()).as(s.name() + " description").isNotBlank().doesNotContain("\n");
            if (s.kind() == Setting.Kind.CHOICE) {
                assertThat(s.choices()).as(s.name() + " choices").isNotEmpty();
            }
        });
    }

    @Test
    void theUserGuideDocumentsEverySetting() throws IOException {
        // The README is the door; the guide under docs/ holds the settings tables.
        StringBuilder guide = new StringBuilder(Files.readString(Path.of("README.md")));
        try (Stream<Path> pages = Files.list(Path.of("docs"))) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                guide.append(Files.readString(page));
            }
        }
        String readme = guide.toString();
        List<String> keys = Stream.of(
                TargetSettings.SETTINGS.stream().map(s -> "| `" + s.name() + "` |"),
                EmbeddedS3Settings.SETTINGS.stream().map(s -> "| `backup.embedded-s3." + s.name() + "` |"),
                JobSettings.SETTINGS.stream().map(s -> "| `" + s.name() + "` |"),
                RestoreSettings.SETTINGS.stream().map(s -> "| `backup.restore." + s.name() + "` |"),
                MirrorSettings.SETTINGS.stream().map(s -> "| `" + s.name() + "` |"),
                HealthSettings.SETTINGS.stream().map(s -> "| `backup.health." + s.name() + "` |")).flatMap(s -> s).toList();
        assertThat(keys).allSatisfy(key -> assertThat(readme).as("the user guide (README.md, docs/) documents " + key).contains(key));
    }
}
