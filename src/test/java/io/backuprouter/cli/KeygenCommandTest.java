package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAnOwnerOnlyIdentityFilePrintsTheRecipientAndNeverOverwrites() throws Exception {
        Path identity = dir.resolve("keys/identity.txt");
        Cli.Result first = Cli.run("keygen", "--output", identity.toString());

        assertThat(first.exitCode()).isZero();
        String text = Files.readString(identity);
        String recipient = text.lines().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
                .substring("# public key: ".length());
        assertThat(first.out()).contains(recipient).doesNotContain("AGE-SECRET-KEY");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity))).isEqualTo("rw-------");

        Cli.Result second = Cli.run("keygen", "--output", identity.toString());
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err()).contains("already exists").contains("--output");
        assertThat(Files.readString(identity)).isEqualTo(text);
    }
}
