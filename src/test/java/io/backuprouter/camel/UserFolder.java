package io.backuprouter.camel;

import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A folder laid out as a user runs the router from: {@code config/application.properties},
 * {@code routes/} with copies of shipped route files, {@code demo/} and {@code var/}. The settings
 * name the shipped config's targets, {@code local} and {@code local-mirror}, on a test S3 server.
 *
 * <p>The router resolves relative paths against the folder it runs in; a test JVM cannot change its
 * own, so each copied route file has its relative paths ({@code source: demo/source},
 * {@code file:var/triggers}, and the job's default {@code stateDir}, {@code var/state}) resolved
 * against this folder, and nothing else changed. A path this class does not know how to resolve
 * stops the test, so that the route files' folders and the jobs' state are never the checkout's (a
 * mirror pass's lock, var/mirrors/NAME.lock, is fixed in the code and is the one exception).
 */
final class UserFolder {
    private static final Pattern PATH_PARAMETER = Pattern.compile("^(\\s+)(source|recipients|identity): (demo/\\S*)$");
    private static final Pattern FILE_URI = Pattern.compile("^(\\s+(?:- )?uri: )file:(var/\\S*)$");
    private static final Pattern JOB = Pattern.compile("^(\\s+)job: \\S+$");
    private static final Pattern ANY_PATH = Pattern.compile("^\\s+(?:- )?(?:source|recipients|identity|stateDir): (\\S+)$"
            + "|^\\s+(?:- )?uri: \"?file:(\\S+?)\"?$");

    private final Path home;

    private UserFolder(Path home) {
        this.home = home;
    }

    /**
     * The folder, with the shipped demo/ and settings for targets local and local-mirror in a new
     * bucket, followed by the extra lines.
     */
    static UserFolder create(Path home, TestS3Server s3, String extraSettings) throws IOException {
        UserFolder folder = new UserFolder(home);
        Files.createDirectories(home.resolve("routes"));
        Files.createDirectories(home.resolve("config"));
        copyTree(Path.of("demo"), home.resolve("demo"));
        String bucket = s3.createBucket();
        StringBuilder settings = new StringBuilder();
        Stream.of(TestTargets.s3Lines("local", s3, bucket, "backup-router", "other"),
                        TestTargets.s3Lines("local-mirror", s3, bucket, "backup-router-mirror", "other"))
                .flatMap(lines -> lines.entrySet().stream())
                .forEach(e -> settings.append(e.getKey()).append(" = ").append(e.getValue()).append('\n'));
        // The default, var/restored, resolved against this folder as the other relative paths are.
        settings.append("backup.restore.allowed-roots = ").append(home.resolve("var/restored")).append('\n');
        settings.append(extraSettings);
        Files.writeString(folder.configFile(), settings);
        return folder;
    }

    Path home() {
        return home;
    }

    Path configFile() {
        return home.resolve("config/application.properties");
    }

    Path routes() {
        return home.resolve("routes");
    }

    Path resolve(String relative) {
        return home.resolve(relative);
    }

    /** Copies routes/NAME from the checkout, its relative paths resolved against this folder. */
    Path copyShippedRoute(String name) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("routes", name));
        List<String> copy = new ArrayList<>();
        for (String line : lines) {
            copy.add(resolved(line));
            Matcher job = JOB.matcher(line);
            if (job.matches() && lines.stream().noneMatch(l -> l.trim().startsWith("stateDir:"))) {
                copy.add(job.group(1) + "stateDir: " + home.resolve("var/state"));
            }
        }
        for (String line : copy) {
            Matcher path = ANY_PATH.matcher(line);
            if (path.matches()) {
                String value = path.group(1) != null ? path.group(1) : path.group(2);
                if (!value.startsWith("/") && !value.startsWith("\"{{") && !value.startsWith("age1")) {
                    throw new IllegalStateException("routes/" + name + ": a relative path the test cannot resolve: " + line.trim());
                }
            }
        }
        Path target = routes().resolve(name);
        Files.write(target, copy);
        return target;
    }

    private String resolved(String line) {
        Matcher parameter = PATH_PARAMETER.matcher(line);
        if (parameter.matches()) {
            return parameter.group(1) + parameter.group(2) + ": " + home.resolve(parameter.group(3));
        }
        Matcher uri = FILE_URI.matcher(line);
        if (uri.matches()) {
            return uri.group(1) + "file:" + home.resolve(uri.group(2));
        }
        return line;
    }

    /** The files of a folder below this one, by path relative to it, sorted. */
    Map<String, String> contents(String relative) throws IOException {
        Path root = home.resolve(relative);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toMap(f -> root.relativize(f).toString(), f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, (a, b) -> a, java.util.TreeMap::new));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
