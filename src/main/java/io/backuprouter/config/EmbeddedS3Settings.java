package io.backuprouter.config;

import static io.backuprouter.config.Setting.Kind.BOOLEAN;
import static io.backuprouter.config.Setting.Kind.INTEGER;
import static io.backuprouter.config.Setting.Kind.PATH;
import static io.backuprouter.config.Setting.Kind.TEXT;

import java.nio.file.Path;
import java.util.List;

/**
 * The embedded S3-compatible endpoint, {@code backup.embedded-s3.*}: a local server backed by a
 * folder, so that the router runs with no cloud account. Its credentials are generated on first
 * start and kept in {@code credentials-dir} ({@code access-key} and {@code secret-key} files).
 */
public record EmbeddedS3Settings(boolean enabled, String host, int port, Path dataDir, Path credentialsDir,
                                 String bucket) {
    static final String PREFIX = "backup.embedded-s3.";

    public static final Setting ENABLED = Setting.of("enabled", BOOLEAN, "Enabled",
            "start the embedded S3 endpoint with the router and with commands that use its target", "false");
    public static final Setting HOST = Setting.of("host", TEXT, "Host",
            "address to listen on; keep 127.0.0.1 unless other machines must reach it", "127.0.0.1");
    public static final Setting PORT = Setting.of("port", INTEGER, "Port", "port to listen on", "9380");
    public static final Setting DIR = Setting.of("dir", PATH, "Data Folder",
            "folder holding the buckets and objects", "var/embedded-s3/data");
    public static final Setting CREDENTIALS_DIR = Setting.of("credentials-dir", PATH, "Credentials Folder",
            "folder holding the generated access-key and secret-key files", "var/embedded-s3");
    public static final Setting BUCKET = Setting.of("bucket", TEXT, "Bucket",
            "bucket created on first start", "backups");

    public static final List<Setting> SETTINGS = List.of(ENABLED, HOST, PORT, DIR, CREDENTIALS_DIR, BUCKET);

    public static EmbeddedS3Settings read(ConfigFile file, List<ConfigProblem> problems) {
        SettingsSection s = new SettingsSection(file, PREFIX, problems);
        s.rejectUnknown(SETTINGS);
        Boolean enabled = s.bool(ENABLED);
        Integer port = s.integer(PORT, 0, 65535);
        return new EmbeddedS3Settings(Boolean.TRUE.equals(enabled), s.text(HOST), port == null ? 0 : port,
                Path.of(s.text(DIR)), Path.of(s.text(CREDENTIALS_DIR)), s.text(BUCKET));
    }

    public Path accessKeyFile() {
        return credentialsDir.resolve("access-key");
    }

    public Path secretKeyFile() {
        return credentialsDir.resolve("secret-key");
    }
}
