package io.backuprouter.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The mirrors declared in the route files (uses of {@code kamelet:mirror-on-schedule} and {@code kamelet:mirror-run}). */
public final class MirrorCatalog {
    public static final List<String> MIRROR_KAMELETS = List.of("mirror-on-schedule", "mirror-run");

    private final Map<String, MirrorSettings> mirrors;

    private MirrorCatalog(Map<String, MirrorSettings> mirrors) {
        this.mirrors = mirrors;
    }

    public Map<String, MirrorSettings> mirrors() {
        return mirrors;
    }

    public Optional<MirrorSettings> mirror(String name) {
        return Optional.ofNullable(mirrors.get(name));
    }

    public static MirrorCatalog read(Path routesDir, RouterSettings settings) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, MirrorSettings> mirrors = new LinkedHashMap<>();
        for (KameletUses.Declaration d : KameletUses.findAll(routesDir, MIRROR_KAMELETS, problems)) {
            problems.addAll(d.misplaced(MirrorSettings.SETTINGS));
            MirrorSettings mirror = read(d, settings, problems);
            if (mirror == null) {
                continue;
            }
            MirrorSettings earlier = mirrors.putIfAbsent(mirror.name(), mirror);
            if (earlier != null && !earlier.equals(mirror)) {
                problems.add(new ConfigProblem(d.file(), d.line(), "mirror", "mirror \"" + mirror.name()
                        + "\" is also declared at " + earlier.declaredAt(), "give each mirror its own name"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new MirrorCatalog(mirrors);
    }

    private static MirrorSettings read(KameletUses.Declaration d, RouterSettings settings, List<ConfigProblem> problems) {
        int before = problems.size();
        SettingsSection s = new SettingsSection(ConfigFile.of(d.file(), d.parameters(), d.lines(), settings.file()), "", problems);
        s.rejectUnknown(MirrorSettings.SETTINGS);
        String name = s.required(MirrorSettings.MIRROR, "kamelet:" + d.kamelet() + " at line " + d.line() + " names no mirror");
        if (name != null && !name.matches("[a-z0-9][a-z0-9-]*")) {
            s.problem(MirrorSettings.MIRROR, "\"" + name + "\" is not kebab-case", "use lower-case letters, digits and hyphens");
        }
        String from = s3Target(s, MirrorSettings.FROM, settings);
        String to = s3Target(s, MirrorSettings.TO, settings);
        String fromPrefix = prefix(s.text(MirrorSettings.FROM_PREFIX));
        String toPrefix = s.isSet(MirrorSettings.TO_PREFIX) ? prefix(s.text(MirrorSettings.TO_PREFIX)) : fromPrefix;
        if (from != null && to != null && overlap(settings.targets().get(from), fromPrefix, settings.targets().get(to), toPrefix)) {
            s.problem(MirrorSettings.TO, "the destination overlaps the source (" + from + ":" + fromPrefix + " and " + to
                    + ":" + toPrefix + " are in the same bucket, one inside the other)",
                    "mirror to another bucket, or to a prefix outside the source's");
        }
        String mode = s.choice(MirrorSettings.MODE);
        List<String> includes = s.globs(MirrorSettings.INCLUDE);
        List<String> excludes = s.globs(MirrorSettings.EXCLUDE);
        Integer concurrency = s.integer(MirrorSettings.CONCURRENCY, 1, 64);
        Integer maxDelete = s.integer(MirrorSettings.MAX_DELETE_PERCENT, 0, 100);
        String schedule = s.text(MirrorSettings.SCHEDULE);
        if ("mirror-on-schedule".equals(d.kamelet())) {
            if (schedule == null) {
                s.required(MirrorSettings.SCHEDULE, "mirror-on-schedule runs on a cron schedule");
            } else if (!org.quartz.CronExpression.isValidExpression(schedule)) {
                s.problem(MirrorSettings.SCHEDULE, "\"" + schedule + "\" is not a Quartz cron expression",
                        "e.g. \"0 0 4 * * ?\" for 04:00 every day");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new MirrorSettings(name, from, fromPrefix, to, toPrefix, "sync".equals(mode), includes, excludes,
                concurrency, maxDelete, schedule, d.file(), d.line());
    }

    /** Whether two target prefixes are the same bucket on the same service with one inside the other. */
    private static boolean overlap(TargetSettings a, String aPrefix, TargetSettings b, String bPrefix) {
        return sameEndpoint(a, b) && nested(a, aPrefix, b, bPrefix);
    }

    /**
     * Whether the two prefixes would be one inside the other if both targets reached the same storage:
     * the same bucket, and one full key prefix (root path and prefix) starting the other.
     */
    public static boolean nested(TargetSettings a, String aPrefix, TargetSettings b, String bPrefix) {
        if (!a.bucket().equals(b.bucket())) {
            return false;
        }
        String full1 = fullPrefix(a, aPrefix);
        String full2 = fullPrefix(b, bPrefix);
        return full1.startsWith(full2) || full2.startsWith(full1);
    }

    /** A prefix of a target as a key prefix in its bucket (the target's root path before it). */
    public static String fullPrefix(TargetSettings target, String prefix) {
        return (target.rootPath().isEmpty() ? "" : target.rootPath() + "/") + prefix;
    }

    /**
     * Whether two targets' endpoints are the same however they are written: letter case, a default
     * port, a trailing slash, and the names of this machine's loopback address (localhost,
     * 127.0.0.1, ::1) do not make two endpoints different; other loopback addresses (127.0.0.2) are
     * other servers. (Other aliases of one server, a second DNS
     * name, are found by the mirror pass itself, which probes: {@code MirrorPass}.)
     */
    public static boolean sameEndpoint(TargetSettings a, TargetSettings b) {
        if (a.endpoint() == null || b.endpoint() == null) {
            // AWS S3 by region: bucket names are unique within a partition (aws, aws-cn, aws-us-gov), whatever the region.
            return a.endpoint() == null && b.endpoint() == null && partition(a.region()).equals(partition(b.region()));
        }
        return normalized(a.endpoint()).equals(normalized(b.endpoint()));
    }

    static String partition(String region) {
        String r = region == null ? "" : region.toLowerCase(java.util.Locale.ROOT);
        return r.startsWith("cn-") ? "aws-cn" : r.startsWith("us-gov-") ? "aws-us-gov" : r.startsWith("us-iso") ? r : "aws";
    }

    static String normalized(java.net.URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "https" : endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
        String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(java.util.Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
            host = "loopback";
        }
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : "http".equals(scheme) ? 80 : 443;
        String path = endpoint.getPath() == null ? "" : endpoint.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return scheme + "://" + host + ":" + port + path;
    }

    private static String s3Target(SettingsSection s, Setting setting, RouterSettings settings) {
        String name = s.required(setting, "a configured S3 target");
        if (name == null) {
            return null;
        }
        TargetSettings target = settings.targets().get(name);
        if (target == null) {
            s.problem(setting, "unknown target \"" + name + "\"", "configured targets: " + String.join(", ", settings.targets().keySet()));
            return null;
        }
        if (target.isFolder()) {
            s.problem(setting, "target \"" + name + "\" is a folder; mirrors copy between S3 targets", null);
            return null;
        }
        return name;
    }

    private static String prefix(String text) {
        String p = text == null ? "" : text.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }
}
