package io.backuprouter.providers;

import io.backuprouter.providers.ProviderPreset;
import io.backuprouter.providers.ProviderPresets;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProviderPresetsTest {
    @Test
    void everyPresetFileIsListedAndLoads() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/providers"))) {
            assertThat(files.map(p -> p.getFileName().toString().replace(".yaml", "")))
                    .containsExactlyInAnyOrderElementsOf(ProviderPresets.NAMES);
        }
        assertThat(ProviderPresets.shipped().names()).containsExactlyElementsOf(ProviderPresets.NAMES);
    }

    @Test
    void onlyTheAwsPresetKeepsTheSdkDefaultChecksumsAndChunkedUploads() {
        for (String name : ProviderPresets.NAMES) {
            ProviderPreset preset = ProviderPresets.shipped().find(name).orElseThrow();
            boolean aws = name.equals("aws");
            assertThat(preset.checksumsWhenRequired()).as(name + " checksums when-required").isEqualTo(!aws);
            assertThat(preset.chunkedEncoding()).as(name + " chunked encoding").isEqualTo(aws);
        }
    }

    @Test
    void everyPresetIsCompleteAndConsistent() {
        for (String name : ProviderPresets.NAMES) {
            ProviderPreset p = ProviderPresets.shipped().find(name).orElseThrow();
            assertThat(p.title()).as(name).isNotBlank();
            assertThat(p.addressing()).as(name).isIn("path", "virtual-hosted");
            assertThat(p.checksums()).as(name).isIn("when-required", "when-supported");
            assertThat(p.listObjectsVersion()).as(name).isIn(1, 2);
            assertThat(p.minPartBytes()).as(name).isPositive().isLessThanOrEqualTo(p.defaultPartBytes());
            assertThat(p.defaultPartBytes()).as(name).isLessThanOrEqualTo(p.maxPartBytes());
            assertThat(p.maxParts()).as(name).isPositive();
            assertThat(p.docs()).as(name).startsWith("https://");
            assertThat(p.notes()).as(name).isNotEmpty();
            assertThat(p.endpointVariables()).as(name).isSubsetOf("region", "account");
        }
    }

    @Test
    void theProviderQuirksTheDesignNamesAreThere() {
        ProviderPresets presets = ProviderPresets.shipped();
        assertThat(presets.find("cloudflare-r2").orElseThrow().region()).isEqualTo("auto");
        assertThat(presets.find("aliyun-oss").orElseThrow().pathStyle()).isFalse();
        assertThat(presets.find("tencent-cos").orElseThrow().pathStyle()).isFalse();
        assertThat(presets.find("cloudflare-r2").orElseThrow().endpoint()).isEqualTo("https://{account}.r2.cloudflarestorage.com");
        assertThat(presets.find("aliyun-oss").orElseThrow().endpoint()).isEqualTo("https://s3.oss-{region}.aliyuncs.com");
        assertThat(presets.find("qingstor").orElseThrow().endpoint()).isEqualTo("https://s3.{region}.qingstor.com");
        assertThat(presets.find("huawei-obs").orElseThrow().listObjectsVersion()).isEqualTo(1);
    }

    @Test
    void everyPresetIsDocumented() throws IOException {
        String providers = Files.readString(Path.of("docs/providers.md"));
        for (String name : ProviderPresets.NAMES) {
            assertThat(providers).as("docs/providers.md documents " + name).contains("## `" + name + "`");
            ProviderPreset preset = ProviderPresets.shipped().find(name).orElseThrow();
            if (preset.endpoint() != null) {
                assertThat(providers).as(name + " endpoint template documented").contains(preset.endpoint());
            }
        }
    }
}
