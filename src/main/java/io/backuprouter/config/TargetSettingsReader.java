package io.backuprouter.config;

import io.backuprouter.values.ByteSize;
import io.backuprouter.values.Suggestions;
import static io.backuprouter.config.TargetSettings.ACCESS_KEY;
import static io.backuprouter.config.TargetSettings.ACCOUNT;
import static io.backuprouter.config.TargetSettings.ADDRESSING;
import static io.backuprouter.config.TargetSettings.BUCKET;
import static io.backuprouter.config.TargetSettings.CONCURRENCY;
import static io.backuprouter.config.TargetSettings.ENDPOINT;
import static io.backuprouter.config.TargetSettings.PART_SIZE;
import static io.backuprouter.config.TargetSettings.PATH_SETTING;
import static io.backuprouter.config.TargetSettings.PROVIDER;
import static io.backuprouter.config.TargetSettings.REGION;
import static io.backuprouter.config.TargetSettings.ROOT_PATH;
import static io.backuprouter.config.TargetSettings.SECRET_KEY;
import static io.backuprouter.config.TargetSettings.TLS_VERIFY;
import static io.backuprouter.config.TargetSettings.TYPE;

import io.backuprouter.providers.ProviderPreset;
import io.backuprouter.providers.ProviderPresets;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and validates one target's settings against its provider preset. */
final class TargetSettingsReader {
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private TargetSettingsReader() {
    }

    static TargetSettings read(ConfigFile file, String name, ProviderPresets presets, List<ConfigProblem> problems) {
        SettingsSection s = new SettingsSection(file, "backup.targets." + name + ".", problems);
        s.rejectUnknown(TargetSettings.SETTINGS);
        String type = s.choice(TYPE);
        String rootPath = normalizeRoot(s.text(ROOT_PATH));
        Boolean tlsVerify = s.bool(TLS_VERIFY);
        Integer concurrency = s.integer(CONCURRENCY, 1, 64);
        if ("folder".equals(type)) {
            String folder = s.required(PATH_SETTING, "a folder target needs the folder to write to");
            return new TargetSettings(name, type, null, null, null, null, rootPath, null, null, false,
                    true, 0, concurrency == null ? 4 : concurrency, folder == null ? null : Path.of(folder), file.display());
        }
        ProviderPreset preset = preset(s, presets);
        String region = region(s, preset);
        URI endpoint = s.url(ENDPOINT);
        if (endpoint == null && !s.isSet(ENDPOINT) && preset != null) {
            endpoint = endpointFromTemplate(s, preset, region);
        }
        String bucket = bucket(s);
        String accessKey = s.required(ACCESS_KEY, "credentials for " + name);
        String secretKey = s.required(SECRET_KEY, "credentials for " + name);
        refusePlainTextKeys(s, file);
        String addressing = s.choice(ADDRESSING);
        if (addressing == null && preset != null) {
            addressing = preset.addressing();
        }
        Long partSize = partSize(s, preset);
        return new TargetSettings(name, type, preset, endpoint, region, bucket, rootPath, accessKey, secretKey,
                "path".equals(addressing), tlsVerify == null || tlsVerify, partSize == null ? 0 : partSize,
                concurrency == null ? 4 : concurrency, null, file.display());
    }

    /** The provider's preset, or {@code null} when none is named or the name is unknown (reported). */
    private static ProviderPreset preset(SettingsSection s, ProviderPresets presets) {
        String providerName = s.required(PROVIDER, "which provider this bucket is at");
        ProviderPreset preset = null;
        if (providerName != null) {
            Optional<ProviderPreset> found = presets.find(providerName);
            if (found.isEmpty()) {
                String closest = Suggestions.closest(providerName, presets.names());
                s.problem(PROVIDER, "unknown provider \"" + providerName + "\"",
                        (closest != null ? "did you mean " + closest + "? " : "")
                                + "known providers: " + String.join(", ", presets.names()));
            } else {
                preset = found.get();
            }
        }
        return preset;
    }

    /** The region given, else the preset's; missing is a problem when the preset has no default. */
    private static String region(SettingsSection s, ProviderPreset preset) {
        String region = s.text(REGION);
        if (region == null && preset != null) {
            region = preset.region();
            if (region == null && !s.isSet(REGION)) {
                s.problem(REGION, "is missing: provider " + preset.name() + " has no default region"
                                + (preset.endpointVariables().contains("region") ? " and builds its endpoint from it ("
                                + preset.endpoint() + ")" : ""),
                        "add " + s.key(REGION) + " = <region id>, e.g. the one in the provider's endpoint");
            }
        }
        return region;
    }

    private static String bucket(SettingsSection s) {
        String bucket = s.required(BUCKET, "the bucket to store backups in");
        if (bucket != null && !BUCKET_NAME.matcher(bucket).matches()) {
            s.problem(BUCKET, "\"" + bucket + "\" is not a valid bucket name",
                    "use 3-63 lower-case letters, digits, dots and hyphens");
        }
        return bucket;
    }

    /** The access and secret keys must come through placeholders, not be written out. */
    private static void refusePlainTextKeys(SettingsSection s, ConfigFile file) {
        for (Setting secret : List.of(ACCESS_KEY, SECRET_KEY)) {
            if (file.has(s.key(secret)) && !file.raw(s.key(secret)).contains("{{")) {
                if (s.fromCommandLine(secret)) {
                    s.problem(secret, "is written in plain text, which every user of this machine can read in the process list",
                            "give a placeholder instead: -D" + s.key(secret) + "={{env:NAME}} or {{file:/path}}");
                } else {
                    s.problem(secret, "is written in plain text", "move it to an environment variable or a file: "
                            + s.key(secret) + " = {{env:NAME}} or {{file:/path}}");
                }
            }
        }
    }

    /** The part size given, else the preset's default; it must be within the preset's bounds. */
    private static Long partSize(SettingsSection s, ProviderPreset preset) {
        Long partSize = s.size(PART_SIZE);
        if (preset != null) {
            if (partSize == null && !s.isSet(PART_SIZE)) {
                partSize = preset.defaultPartBytes();
            } else if (partSize != null && (partSize < preset.minPartBytes() || partSize > preset.maxPartBytes())) {
                s.problem(PART_SIZE, ByteSize.format(partSize) + " is outside what " + preset.title() + " allows",
                        "use " + preset.minPartSize() + " to " + preset.maxPartSize());
            }
        }
        return partSize;
    }

    private static URI endpointFromTemplate(SettingsSection s, ProviderPreset preset, String region) {
        if (preset.endpoint() == null) {
            if (!preset.sdkEndpoint()) {
                s.required(ENDPOINT, "provider " + preset.name() + " has no standard endpoint");
            }
            return null;
        }
        String url = preset.endpoint();
        Matcher m = Pattern.compile("\\{([a-z-]+)}").matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1);
            String value = switch (variable) {
                case "region" -> region;
                case "account" -> s.text(ACCOUNT);
                default -> null;
            };
            if (value == null && "region".equals(variable)) {
                return null; // reported with the region
            }
            if (value == null) {
                Setting missing = ACCOUNT;
                s.problem(missing, "is missing: provider " + preset.name() + " builds its endpoint from it ("
                                + preset.endpoint() + ")",
                        "add " + s.key(missing) + ", or give the whole " + s.key(ENDPOINT));
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return s.checkUrl(ENDPOINT, out.toString());
    }

    private static String normalizeRoot(String root) {
        if (root == null) {
            return "";
        }
        String trimmed = root.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
