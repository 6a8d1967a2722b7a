package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.crypto.AgeKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keygen}: a new age identity file and its recipient. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Creates an age key pair: an identity file, and its recipient.",
                "The identity (secret key) is written to a file readable by you only; the recipient (public key) "
                + "is printed.",
                "Backups need only the recipient. Keep the identity file safe, and off the machines that only "
                + "back up: it is the only way to restore."})
final class KeygenCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, defaultValue = "config/identity.age.txt",
            description = "Identity file to create; never overwritten (default: ${DEFAULT-VALUE}).")
    Path output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        AgeKeys.AgeKeyPair pair = AgeKeys.generate();
        try {
            Path parent = output.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try {
                Files.createFile(output, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(output);
            }
            Files.writeString(output, pair.identityFile(), StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw new UserException("keygen: " + output + " already exists; it is not overwritten, since losing an"
                    + " identity loses every backup made for it\n    hint: choose another file with --output");
        } catch (IOException e) {
            throw new UserException("keygen: cannot write " + output + ": " + e.getMessage(), e);
        }
        var out = spec.commandLine().getOut();
        out.println("Identity (secret key) written to " + output + " (readable by you only).");
        out.println("Recipient (public key): all a backup job needs to encrypt for this identity:");
        out.println(pair.recipient());
        out.flush();
        return 0;
    }
}
