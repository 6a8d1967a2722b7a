package io.backuprouter.files;

import io.backuprouter.files.LocalErrors;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class LocalErrorsTest {
    @Test
    void fileErrorsSayWhatIsWrongNotOnlyThePath() {
        assertThat(LocalErrors.describe(new AccessDeniedException("/srv/restore/photos")))
                .isEqualTo("/srv/restore/photos: permission denied");
        assertThat(LocalErrors.describe(new NoSuchFileException("/a", "/b", null))).isEqualTo("/a -> /b: does not exist");
        assertThat(LocalErrors.describe(new FileSystemException("/mnt/usb/x", null, "Read-only file system")))
                .isEqualTo("/mnt/usb/x: Read-only file system");
        assertThat(LocalErrors.describe(new IOException("No space left on device"))).isEqualTo("No space left on device");
        assertThat(LocalErrors.describe(new IOException())).isEqualTo("IOException");
    }
}
