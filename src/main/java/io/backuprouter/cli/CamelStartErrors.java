package io.backuprouter.cli;

import io.backuprouter.config.ConfigException;
import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Camel's start-up failures about the user's files into the same file:line messages as the
 * router's own checks: an unknown {@code camel.*} setting, a route step or option Camel does not know.
 */
final class CamelStartErrors {
    private static final Pattern BINDING = Pattern.compile("Error binding property \\(([^=\\s]+)=");
    private static final Pattern IN_FILE = Pattern.compile("(?s)^(.*?)\\s+in file:(\\S+?), line (\\d+), column (\\d+)");
    private static final String CAMEL_DOCS = "https://camel.apache.org/components/4.18.x/";

    private CamelStartErrors() {
    }

    /** A {@link ConfigException} for a failure Camel reported about a settings or route file; else the failure itself. */
    static Exception explain(Exception failure, Path configFile) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message == null) {
                continue;
            }
            Matcher binding = BINDING.matcher(message);
            if (binding.find()) {
                String key = binding.group(1);
                int line = ConfigFile.load(configFile).line(key);
                return new ConfigException(List.of(new ConfigProblem(configFile.toString(), line, key,
                        "Camel has no such setting", "check the name against " + CAMEL_DOCS + "others/main.html"
                        + " (keys are camel.main.*, camel.component.<component>.*, ...)")));
            }
            Matcher inFile = IN_FILE.matcher(message);
            if (inFile.find()) {
                Path file = Path.of(inFile.group(2));
                Path relative = file.isAbsolute() && file.startsWith(Path.of("").toAbsolutePath())
                        ? Path.of("").toAbsolutePath().relativize(file) : file;
                return new ConfigException(List.of(new ConfigProblem(relative.toString(), Integer.parseInt(inFile.group(3)),
                        null, inFile.group(1).lines().findFirst().orElse("").trim() + " (column " + inFile.group(4) + ")",
                        "check the step and its options against Camel's YAML DSL: " + CAMEL_DOCS + "others/yaml-dsl.html")));
            }
        }
        return failure;
    }
}
