package io.backuprouter.camel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{file:PATH}}} in routes: the trimmed content of a file (a Docker secret, a key file),
 * as {@link io.backuprouter.config.ConfigFile} resolves it in the settings.
 */
public final class FilePropertiesFunction implements PropertiesFunction {
    @Override
    public String getName() {
        return "file";
    }

    @Override
    public String apply(String remainder) {
        try {
            return Files.readString(Path.of(remainder.trim()), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read file \"" + remainder.trim() + "\" named in {{file:"
                    + remainder + "}}", e);
        }
    }
}
