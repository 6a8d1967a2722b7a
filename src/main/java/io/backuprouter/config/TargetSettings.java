package io.backuprouter.config;

import static io.backuprouter.config.Setting.Kind.BOOLEAN;
import static io.backuprouter.config.Setting.Kind.INTEGER;
import static io.backuprouter.config.Setting.Kind.PATH;
import static io.backuprouter.config.Setting.Kind.SECRET;
import static io.backuprouter.config.Setting.Kind.SIZE;
import static io.backuprouter.config.Setting.Kind.TEXT;
import static io.backuprouter.config.Setting.Kind.URL;

import io.backuprouter.providers.ProviderPreset;
import io.backuprouter.providers.ProviderPresets;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * One named target, {@code backup.targets.<name>.*}: where backups go. An {@code s3} target is a
 * bucket (and a root path in it) at an S3-compatible provider; a {@code folder} target is a local
 * folder (an external disk, a NAS mount).
 *
 * @param name the target's name
 * @param type {@code s3} or {@code folder}
 * @param preset the provider preset ({@code null} for folder targets)
 * @param endpoint the endpoint URL, from the setting or the preset's template
 * @param region the signing region
 * @param bucket the bucket
 * @param rootPath the prefix under which everything is stored, without leading or trailing slash
 * @param accessKey access key id (sensitive)
 * @param secretKey secret access key (secret)
 * @param pathStyle path-style ({@code true}) or virtual-hosted addressing
 * @param tlsVerify whether TLS certificates are verified
 * @param partSize multipart part size in bytes
 * @param concurrency parallel uploads (and parts) per target
 * @param folder the folder of a folder target
 * @param file the settings file, for messages
 */
public record TargetSettings(String name, String type, ProviderPreset preset, URI endpoint, String region,
                             String bucket, String rootPath, String accessKey, String secretKey, boolean pathStyle,
                             boolean tlsVerify, long partSize, int concurrency, Path folder, String file) {

    public static final Setting TYPE = Setting.choice("type", "Type",
            "s3 for an S3-compatible bucket, folder for a local folder (disk, NAS mount)", "s3", "s3", "folder");
    public static final Setting PROVIDER = Setting.of("provider", TEXT, "Provider",
            "provider preset: " + String.join(", ", ProviderPresets.NAMES), null);
    public static final Setting ENDPOINT = Setting.of("endpoint", URL, "Endpoint",
            "the S3 endpoint URL; defaults to the preset's template when it has one", null);
    public static final Setting ACCOUNT = Setting.of("account", TEXT, "Account",
            "account id, for presets whose endpoint contains {account} (Cloudflare R2)", null);
    public static final Setting REGION = Setting.of("region", TEXT, "Region",
            "signing region; defaults to the preset's (auto for R2, us-east-1 for MinIO)", null);
    public static final Setting BUCKET = Setting.of("bucket", TEXT, "Bucket", "the bucket, which must exist", null);
    public static final Setting ROOT_PATH = Setting.of("root-path", TEXT, "Root Path",
            "prefix inside the bucket (or folder) under which everything is stored", "");
    public static final Setting ACCESS_KEY = Setting.of("access-key", SECRET, "Access Key",
            "access key id; use a placeholder such as {{env:R2_ACCESS_KEY_ID}} or {{file:/run/secrets/key}}", null);
    public static final Setting SECRET_KEY = Setting.of("secret-key", SECRET, "Secret Key",
            "secret access key; use a placeholder such as {{env:R2_SECRET_ACCESS_KEY}}, never plain text", null);
    public static final Setting ADDRESSING = Setting.choice("addressing", "Addressing",
            "path (https://host/bucket/key) or virtual-hosted (https://bucket.host/key); defaults to the preset's",
            null, "path", "virtual-hosted");
    public static final Setting TLS_VERIFY = Setting.of("tls-verify", BOOLEAN, "TLS Verify",
            "verify the server's TLS certificate; turning it off logs a warning", "true");
    public static final Setting PART_SIZE = Setting.of("part-size", SIZE, "Part Size",
            "multipart part size; objects larger than this upload in parts; defaults to the preset's (16MiB)", null);
    public static final Setting CONCURRENCY = Setting.of("concurrency", INTEGER, "Concurrency",
            "uploads and parts in flight at once to this target", "4");
    public static final Setting PATH_SETTING = Setting.of("path", PATH, "Path",
            "the folder of a folder target", null);

    public static final List<Setting> SETTINGS = List.of(TYPE, PROVIDER, ENDPOINT, ACCOUNT, REGION, BUCKET, ROOT_PATH,
            ACCESS_KEY, SECRET_KEY, ADDRESSING, TLS_VERIFY, PART_SIZE, CONCURRENCY, PATH_SETTING);

    public boolean isFolder() {
        return "folder".equals(type);
    }

    /** Where this target stores things, for people: never holds credentials. */
    public String location() {
        if (isFolder()) {
            return folder + (rootPath.isEmpty() ? "" : "/" + rootPath);
        }
        return "s3://" + bucket + (rootPath.isEmpty() ? "" : "/" + rootPath) + " at " + endpointText();
    }

    /** The endpoint as shown to people. */
    public String endpointText() {
        return endpoint != null ? endpoint.toString() : "AWS S3 (" + region + ")";
    }

    /** The key (file line) of a setting of this target, for hints. */
    public String key(Setting setting) {
        return "backup.targets." + name + "." + setting.name();
    }

    @Override
    public String toString() {
        return "target " + name + " (" + location() + ")";
    }
}
