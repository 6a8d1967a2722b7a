package io.backuprouter.testing;

import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.crypto.AgeKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A job and its targets as a user declares them: a settings file with the targets, and a route
 * file with the job's kamelet parameters, read through the real settings code.
 */
public final class TestJobs {
    private final Path dir;
    private final Map<String, String> settingsLines = new LinkedHashMap<>();
    private final AgeKeys.AgeKeyPair keys = AgeKeys.generate();

    public TestJobs(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("identity.txt"), keys.identityFile());
    }

    public TestJobs target(String name, TestS3Server server, String bucket) {
        return target(name, server, bucket, "minio");
    }

    /** An S3 target with a given provider preset, its objects under {@code backups/}. */
    public TestJobs target(String name, TestS3Server server, String bucket, String provider) {
        settingsLines.putAll(TestTargets.s3Lines(name, server, bucket, "backups", provider));
        return this;
    }

    public TestJobs folderTarget(String name, Path folder) {
        settingsLines.put("backup.targets." + name + ".type", "folder");
        settingsLines.put("backup.targets." + name + ".path", folder.toString());
        return this;
    }

    public Path identityFile() {
        return dir.resolve("identity.txt");
    }

    public String recipient() {
        return keys.recipient();
    }

    public Path configFile() {
        return dir.resolve("application.properties");
    }

    public Path routesDir() {
        return dir.resolve("routes");
    }

    public Path stateDir() {
        return dir.resolve("state");
    }

    /** Writes the settings file and a route file declaring the job; returns the settings. */
    public RouterSettings writeConfig(String job, Path source, String targets, Map<String, String> extra) throws IOException {
        Files.writeString(configFile(), settingsLines.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("job", job);
        parameters.put("source", source.toString());
        parameters.put("targets", targets);
        parameters.put("recipients", keys.recipient());
        parameters.put("stateDir", stateDir().toString());
        parameters.putAll(extra);
        String route = "- route:\n    id: backup-" + job + "\n    from:\n      uri: direct:backup-" + job + "\n      steps:\n"
                + "        - to:\n            uri: kamelet:backup-run\n            parameters:\n"
                + parameters.entrySet().stream().map(e -> "              " + e.getKey() + ": \"" + e.getValue() + "\"")
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(routesDir().resolve(job + ".camel.yaml"), route);
        return RouterSettings.read(ConfigFile.load(configFile()));
    }

    public JobSettings job(String job, Path source, String targets) throws IOException {
        return job(job, source, targets, Map.of());
    }

    public JobSettings job(String job, Path source, String targets, Map<String, String> extra) throws IOException {
        RouterSettings settings = writeConfig(job, source, targets, extra);
        return JobCatalog.read(routesDir(), settings).job(job).orElseThrow();
    }

    public RouterSettings settings() {
        return RouterSettings.read(ConfigFile.load(configFile()));
    }
}
