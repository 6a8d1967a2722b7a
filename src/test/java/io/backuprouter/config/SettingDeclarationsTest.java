package io.backuprouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every user-facing setting is declared once, typed, titled and described (SettingsReferenceTest checks
 * that docs/ documents each, with its default).
 */
class SettingDeclarationsTest {
    static Stream<Setting> all() {
        // Every class that declares settings (SettingsReferenceTest checks that the list is complete).
        return SettingsReferenceTest.TABLES.stream().flatMap(table -> table.declared().stream());
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
}
