package io.backuprouter.cli;

import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.EmbeddedS3Settings;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.embedded.EmbeddedS3;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings a command works with, and the embedded S3 endpoint when the settings enable it
 * and no running router already serves it. Closing stops the endpoint if this command started it.
 */
final class LoadedConfig implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedConfig.class);

    private final RouterSettings settings;
    private final EmbeddedS3 embedded;

    private LoadedConfig(RouterSettings settings, EmbeddedS3 embedded) {
        this.settings = settings;
        this.embedded = embedded;
    }

    /**
     * Reads the settings; starts the embedded endpoint first when it is enabled.
     *
     * @param embeddedRequired {@code true} for the router: a busy port is then an error rather
     *     than a sign that another router already serves the endpoint
     */
    static LoadedConfig load(Path configPath, boolean embeddedRequired) {
        ConfigFile file = ConfigFile.load(configPath);
        EmbeddedS3Settings embeddedSettings = RouterSettings.embeddedS3(file);
        EmbeddedS3 embedded = null;
        if (embeddedSettings.enabled()) {
            if (!embeddedRequired && EmbeddedS3.portInUse(embeddedSettings)) {
                LOG.debug("Embedded S3 port {} is in use: using the endpoint already running there",
                        embeddedSettings.port());
            } else {
                embedded = EmbeddedS3.start(embeddedSettings);
                file = file.with("backup.embedded-s3.port", String.valueOf(embedded.port()));
            }
        }
        try {
            return new LoadedConfig(RouterSettings.read(file), embedded);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    RouterSettings settings() {
        return settings;
    }

    EmbeddedS3 embedded() {
        return embedded;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
