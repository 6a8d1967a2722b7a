package io.backuprouter.faults;

import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.testing.AppProcess;
import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A user's working folder for the jar: {@code config/application.properties} with the target
 * credentials in {@code config/secrets/} files (known to the ledger's secret scan), {@code config/identity.txt}, and
 * route files in {@code routes/}. Every command runs as {@code java -jar backup-router.jar ...}
 * in this folder, as the README says, and its output is handed to the ledger's secret scan.
 */
final class CampaignHome {
    record Run(int exitCode, String output) {
    }

    final Path dir;
    private final Ledger ledger;
    private final AgeKeys.AgeKeyPair keys = AgeKeys.generate();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private int runs;

    CampaignHome(Path dir, Ledger ledger) throws IOException {
        this.dir = dir;
        this.ledger = ledger;
        Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(identityFile(), keys.identityFile());
        ledger.secret(keys.identityFile().lines().filter(l -> l.startsWith("AGE-SECRET-KEY-")).findFirst().orElseThrow());
        settings.put("backup.embedded-s3.enabled", "false");
    }

    Path identityFile() {
        return dir.resolve("config/identity.txt");
    }

    String recipient() {
        return keys.recipient();
    }

    Path configFile() {
        return dir.resolve("config/application.properties");
    }

    /** An S3 target on a test server, its keys written literally into the settings file. */
    CampaignHome s3Target(String name, TestS3Server server, String bucket) {
        return s3Target(name, server, bucket, server.secretKey());
    }

    CampaignHome s3Target(String name, TestS3Server server, String bucket, String secretKey) {
        ledger.secret(server.secretKey()).secret(secretKey);
        String prefix = "backup.targets." + name + ".";
        settings.put(prefix + "provider", "minio");
        settings.put(prefix + "endpoint", server.endpoint().toString());
        settings.put(prefix + "region", "us-east-1");
        settings.put(prefix + "bucket", bucket);
        settings.put(prefix + "root-path", "backups");
        settings.put(prefix + "part-size", "5MiB");
        settings.put(prefix + "access-key", "{{file:" + secretFile(name + "-access-key", server.accessKey()) + "}}");
        settings.put(prefix + "secret-key", "{{file:" + secretFile(name + "-secret-key", secretKey) + "}}");
        return this;
    }

    /** Secrets live in files beside the settings (the router refuses them in plain text there). */
    private Path secretFile(String name, String value) {
        Path file = dir.resolve("config/secrets/" + name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    CampaignHome set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    void writeSettings() throws IOException {
        Files.writeString(configFile(), settings.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
    }

    /** A job as a route file: a direct route through the backup-run kamelet (the CLI runs it by name). */
    void job(String job, Path source, String targets, Map<String, String> extra) throws IOException {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("job", job);
        parameters.put("source", source.toString());
        parameters.put("targets", targets);
        parameters.put("recipients", keys.recipient());
        parameters.put("identity", identityFile().toString());
        parameters.putAll(extra);
        Files.writeString(dir.resolve("routes/" + job + ".camel.yaml"), "- route:\n    id: backup-" + job
                + "\n    from:\n      uri: direct:backup-" + job + "\n      steps:\n"
                + "        - to:\n            uri: kamelet:backup-run\n            parameters:\n"
                + parameters.entrySet().stream().map(e -> "              " + e.getKey() + ": \"" + e.getValue() + "\"")
                .collect(Collectors.joining("\n", "", "\n")));
    }

    AppProcess start(String... args) throws IOException {
        runs++;
        return AppProcess.start(dir, Map.of(), List.of("-Dcamel.management.port=0"), args);
    }

    /** Runs a command to its end; its output goes through the secret scan. */
    Run run(Duration timeout, String... args) throws IOException, InterruptedException {
        try (AppProcess process = start(args)) {
            int code = process.waitFor(timeout);
            return new Run(code, scanned(process, String.join(" ", args)));
        }
    }

    Run run(String... args) throws IOException, InterruptedException {
        return run(Duration.ofMinutes(5), args);
    }

    /** The output of a process, after the secret scan. */
    String scanned(AppProcess process, String what) {
        String output = process.output();
        ledger.scan("output of `" + what + "`", output);
        return output;
    }

    int runs() {
        return runs;
    }
}
