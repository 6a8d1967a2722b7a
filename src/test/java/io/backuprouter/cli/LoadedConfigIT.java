package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded endpoint starts for a command only when a target it needs is served by it. */
class LoadedConfigIT {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedEndpointStartsOnlyForTargetsItServes() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = dir.resolve("application.properties");
        Files.writeString(config, """
                backup.embedded-s3.enabled = true
                backup.embedded-s3.port = %d
                backup.embedded-s3.dir = %s
                backup.embedded-s3.credentials-dir = %s
                backup.targets.local.provider = other
                backup.targets.local.endpoint = http://127.0.0.1:{{backup.embedded-s3.port}}
                backup.targets.local.bucket = backups
                backup.targets.local.access-key = {{file:{{backup.embedded-s3.credentials-dir}}/access-key}}
                backup.targets.local.secret-key = {{file:{{backup.embedded-s3.credentials-dir}}/secret-key}}
                backup.targets.remote.provider = other
                backup.targets.remote.endpoint = http://127.0.0.1:1
                backup.targets.remote.bucket = elsewhere
                backup.targets.remote.access-key = {{env:NO_SUCH_VARIABLE_FOR_TESTS:key}}
                backup.targets.remote.secret-key = {{env:NO_SUCH_VARIABLE_FOR_TESTS:secret}}
                """.formatted(port, dir.resolve("data"), dir.resolve("credentials")));

        Path broken = dir.resolve("broken.properties");
        Files.writeString(broken, Files.readString(config).replace("port = " + port, "port = 93x0")
                .replace("remote.bucket = elsewhere", "remote.bukcet = elsewhere"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadedConfig.load(broken, LoadedConfig.Embedded.NONE))
                .hasMessageContaining("backup.embedded-s3.port").hasMessageContaining("bukcet")
                // not the credentials the endpoint writes on its first start
                .hasMessageNotContaining("cannot read file");

        try (LoadedConfig remoteOnly = LoadedConfig.loadFor(config, settings -> List.of("remote"))) {
            assertThat(remoteOnly.startedEmbedded()).isFalse();
            assertThat(remoteOnly.settings().targets()).containsKeys("local", "remote");
        }
        try (LoadedConfig local = LoadedConfig.loadFor(config, settings -> List.of("remote", "local"))) {
            assertThat(local.startedEmbedded()).isTrue();
        }
    }
}
