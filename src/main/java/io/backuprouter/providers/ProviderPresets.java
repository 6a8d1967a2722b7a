package io.backuprouter.providers;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The provider presets shipped in {@code src/main/resources/providers/}. */
public final class ProviderPresets {
    /** Every preset file; a test checks that this list and the folder agree. */
    public static final List<String> NAMES = List.of(
            "aws", "cloudflare-r2", "aliyun-oss", "tencent-cos", "qingstor", "huawei-obs", "minio", "other");

    private static final ProviderPresets SHIPPED = load();

    private final Map<String, ProviderPreset> presets;

    private ProviderPresets(Map<String, ProviderPreset> presets) {
        this.presets = presets;
    }

    public static ProviderPresets shipped() {
        return SHIPPED;
    }

    public Optional<ProviderPreset> find(String name) {
        return Optional.ofNullable(presets.get(name));
    }

    public List<String> names() {
        return List.copyOf(presets.keySet());
    }

    private static ProviderPresets load() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        Map<String, ProviderPreset> presets = new LinkedHashMap<>();
        for (String name : NAMES) {
            String resource = "/providers/" + name + ".yaml";
            try (InputStream in = ProviderPresets.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("provider preset " + resource + " is missing from the jar");
                }
                ProviderPreset preset = yaml.readValue(in, ProviderPreset.class);
                if (!name.equals(preset.name())) {
                    throw new IllegalStateException(resource + ": name is \"" + preset.name() + "\", expected \"" + name + "\"");
                }
                presets.put(name, preset);
            } catch (IOException e) {
                throw new UncheckedIOException(resource + ": " + e.getMessage(), e);
            }
        }
        return new ProviderPresets(presets);
    }
}
