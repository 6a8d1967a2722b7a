package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FolderStoreContractTest extends ObjectStoreContract {

    @Override
    ObjectStore open(String rootPath) throws IOException {
        Files.createDirectories(temp.resolve("nas"));
        return new FolderStore("nas", temp.resolve("nas"), rootPath);
    }

    @Override
    void interruptPut(String key) throws IOException {
        Path root = ((FolderStore) store).root();
        Path half = root.resolve(key).resolveSibling(FolderStore.TEMP_PREFIX + "half");
        Files.createDirectories(half.getParent());
        Files.write(half, new byte[] {1, 2});
    }

    @Test
    void anUnmountedFolderIsAnErrorNotACreatedFolder() {
        FolderStore unmounted = new FolderStore("usb", temp.resolve("media/usb-disk"), "backups");
        assertThatThrownBy(() -> unmounted.put("k", new byte[] {1}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("usb")
                .hasMessageContaining("is the disk or share mounted?");
        assertThat(temp.resolve("media")).doesNotExist();
    }

    @Test
    void temporaryFilesAreNeverListed() throws IOException {
        store.put("a", new byte[] {1});
        Path root = ((FolderStore) store).root();
        Files.write(root.resolve(FolderStore.TEMP_PREFIX + "half-written"), new byte[] {9});
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("a");
    }
}
