package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.RouterSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsTest {
    @TempDir
    Path dir;

    @Test
    void aTargetIsOpenedWhenFirstUsedNotWhenListed() {
        RouterSettings settings = RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.nas.type", "folder", "backup.targets.nas.path", dir.toString(),
                "backup.targets.r2.provider", "other", "backup.targets.r2.endpoint", "http://127.0.0.1:9",
                "backup.targets.r2.bucket", "backups", "backup.targets.r2.access-key", "{{env:NO_SUCH_VARIABLE:k}}",
                "backup.targets.r2.secret-key", "{{env:NO_SUCH_VARIABLE:s}}")));
        try (Targets targets = new Targets(settings.targets())) {
            assertThat(targets.stores().keySet()).containsExactlyInAnyOrder("nas", "r2");
            assertThat(targets.stores().containsKey("r2")).isTrue();
            assertThat(targets.opened()).isEmpty();

            ObjectStore nas = targets.store("nas").orElseThrow();
            assertThat(nas.name()).isEqualTo("nas");
            assertThat(targets.store("nas").orElseThrow()).isSameAs(nas);
            assertThat(targets.opened()).containsExactly("nas");
            assertThat(targets.store("nope")).isEmpty();

            assertThat(java.util.List.copyOf(targets.stores().values())).extracting(ObjectStore::name).containsExactlyInAnyOrder("nas", "r2");
            assertThat(targets.opened()).containsExactlyInAnyOrder("nas", "r2");
        }
    }
}
