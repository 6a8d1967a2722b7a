package io.backuprouter.cli;

import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.EmbeddedS3Settings;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.embedded.EmbeddedS3;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings a command works with, and the embedded S3 endpoint when the settings enable it
 * and the command needs it. The settings are checked completely before anything starts. Closing
 * stops the endpoint if this command started it.
 */
final class LoadedConfig implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedConfig.class);

    /** What a command needs of the embedded endpoint. */
    enum Embedded {
        /** Not at all (it only reads settings). */
        NONE,
        /** Its target must answer: start it unless a running router already serves it. */
        IF_NOT_RUNNING,
        /** The router: start it; a busy port is an error. */
        START
    }

    private final RouterSettings settings;
    private final EmbeddedS3 embedded;

    private LoadedConfig(RouterSettings settings, EmbeddedS3 embedded) {
        this.settings = settings;
        this.embedded = embedded;
    }

    static LoadedConfig load(Path configPath, Embedded need) {
        ConfigFile file = ConfigFile.load(configPath);
        EmbeddedS3Settings embeddedSettings;
        try {
            embeddedSettings = RouterSettings.embeddedS3(file);
        } catch (io.backuprouter.config.ConfigException e) {
            // Every problem of the file at once, not only the embedded endpoint's; but not the files the
            // endpoint writes itself on its first start (its credentials), which cannot exist yet.
            try {
                RouterSettings.read(file);
            } catch (io.backuprouter.config.ConfigException all) {
                List<io.backuprouter.config.ConfigProblem> problems = all.problems().stream()
                        .filter(p -> !p.message().startsWith(ConfigFile.UNREADABLE_FILE)).toList();
                throw problems.size() > e.problems().size() ? new io.backuprouter.config.ConfigException(problems) : e;
            }
            throw e;
        }
        if (embeddedSettings.enabled()) {
            EmbeddedS3.ensureCredentials(embeddedSettings);
        }
        RouterSettings settings = RouterSettings.read(file);
        if (!embeddedSettings.enabled() || need == Embedded.NONE) {
            return new LoadedConfig(settings, null);
        }
        if (need == Embedded.IF_NOT_RUNNING && EmbeddedS3.portInUse(embeddedSettings)) {
            LOG.debug("Port {} is in use: using the embedded S3 endpoint already running there (a router?)",
                    embeddedSettings.port());
            return new LoadedConfig(settings, null);
        }
        // A one-shot command's own endpoint is a detail (it goes when the command ends); the router's is news.
        EmbeddedS3 embedded = EmbeddedS3.start(embeddedSettings, need == Embedded.START);
        if (embedded.port() == embeddedSettings.port()) {
            return new LoadedConfig(settings, embedded);
        }
        try {
            // Port 0: the endpoint picked a free port; targets that name it must use that one.
            return new LoadedConfig(RouterSettings.read(file.with("backup.embedded-s3.port",
                    String.valueOf(embedded.port()))), embedded);
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    /**
     * Like {@code load(configPath, IF_NOT_RUNNING)}, but the embedded endpoint starts only when one of
     * the targets {@code needed} picks from the settings is served by it: a command about targets
     * elsewhere does not pay for starting it.
     */
    static LoadedConfig loadFor(Path configPath, java.util.function.Function<RouterSettings, java.util.Collection<String>> needed) {
        LoadedConfig withoutEmbedded = load(configPath, Embedded.NONE);
        EmbeddedS3Settings embedded = withoutEmbedded.settings.embeddedS3();
        if (!embedded.enabled() || needed.apply(withoutEmbedded.settings).stream()
                .noneMatch(name -> servedBy(embedded, withoutEmbedded.settings.targets().get(name)))) {
            return withoutEmbedded;
        }
        return load(configPath, Embedded.IF_NOT_RUNNING);
    }

    /** Whether the target is the embedded endpoint (when its port is picked at start, any target may be). */
    private static boolean servedBy(EmbeddedS3Settings embedded, io.backuprouter.config.TargetSettings target) {
        if (target == null || target.endpoint() == null || embedded.port() == 0) {
            return target != null && embedded.port() == 0;
        }
        String host = target.endpoint().getHost();
        boolean local = host != null && (host.equals(embedded.host()) || host.equals("localhost") || host.equals("127.0.0.1")
                || host.equals("[::1]") || host.equals("::1") || embedded.host().equals("0.0.0.0"));
        int port = target.endpoint().getPort() != -1 ? target.endpoint().getPort()
                : "https".equals(target.endpoint().getScheme()) ? 443 : 80;
        return local && port == embedded.port();
    }

    /** Whether this command started the embedded endpoint. */
    boolean startedEmbedded() {
        return embedded != null;
    }

    RouterSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
