package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.config.Setting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kamelets users compose are declared like camel-kamelets': every property has a Title Case
 * title, a description and a type, and they agree with the job settings the router validates.
 */
class KameletsTest {
    static JsonNode read(String name) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Path.of("src/main/resources/kamelets/" + name + ".kamelet.yaml").toFile());
    }

    @Test
    void everyMirrorKameletDeclaresEveryMirrorSettingWithTitleDescriptionTypeAndDefault() throws IOException {
        for (String name : io.backuprouter.config.MirrorCatalog.MIRROR_KAMELETS) {
            JsonNode properties = read(name).at("/spec/definition/properties");
            List<Setting> expected = io.backuprouter.config.MirrorSettings.SETTINGS.stream()
                    .filter(s -> name.equals("mirror-on-schedule") || !s.name().equals("schedule")).toList();
            assertThat(properties.fieldNames()).toIterable().as(name)
                    .containsExactlyInAnyOrderElementsOf(expected.stream().map(Setting::name).toList());
            for (Setting setting : expected) {
                JsonNode property = properties.get(setting.name());
                assertThat(property.get("title").asText()).as(name + "." + setting.name()).isEqualTo(setting.title());
                assertThat(property.get("description").asText()).isNotBlank();
                if (setting.defaultValue() != null && !setting.defaultValue().isEmpty()) {
                    assertThat(property.get("default").asText()).as(name + "." + setting.name()).isEqualTo(setting.defaultValue());
                }
            }
        }
    }

    @Test
    void everyJobKameletDeclaresEveryJobSettingWithTitleDescriptionTypeAndDefault() throws IOException {
        for (String name : JobCatalog.JOB_KAMELETS) {
            JsonNode definition = read(name).at("/spec/definition");
            assertThat(definition.get("title").asText()).as(name).matches("[A-Z][a-z]+( [A-Z][a-z]+)*");
            assertThat(definition.get("description").asText()).as(name).isNotBlank();
            List<Setting> expected = new ArrayList<>(JobSettings.JOB_SETTINGS);
            if (name.equals("backup-on-change")) {
                expected.add(JobSettings.QUIET_PERIOD);
            }
            if (name.equals("backup-on-schedule")) {
                expected.add(JobSettings.SCHEDULE);
            }
            JsonNode properties = definition.get("properties");
            assertThat(properties.fieldNames()).toIterable().as(name)
                    .containsExactlyInAnyOrderElementsOf(expected.stream().map(Setting::name).toList());
            for (Setting setting : expected) {
                JsonNode property = properties.get(setting.name());
                assertThat(property.get("title").asText()).as(name + "." + setting.name()).isEqualTo(setting.title());
                assertThat(property.get("description").asText()).as(name + "." + setting.name()).isNotBlank();
                assertThat(property.get("type").asText()).as(name + "." + setting.name()).isIn("string", "integer", "boolean");
                if (setting.defaultValue() != null && !setting.defaultValue().isEmpty()) {
                    assertThat(property.get("default").asText()).as(name + "." + setting.name() + " default")
                            .isEqualTo(setting.defaultValue());
                }
            }
            // recipients or passphrase: one of the two, which JobCatalog checks (Camel would demand both)
            assertThat(definition.get("required")).extracting(JsonNode::asText).as(name)
                    .contains("job", "source", "targets").doesNotContain("recipients", "passphrase");
            assertThat(properties.get("recipients").get("description").asText()).contains("required unless passphrase");
        }
    }
}
