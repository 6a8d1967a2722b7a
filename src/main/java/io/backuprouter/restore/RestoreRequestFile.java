package io.backuprouter.restore;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A restore request dropped as a file (YAML or JSON):
 * <pre>
 * job: notes                      # required
 * destination: /srv/restored      # required
 * snapshot: latest                # or an id (default latest)
 * at: 2026-11-20T18:00:00Z        # with latest: the newest at or before this time
 * target: r2                      # read from this target first
 * include: ["docs/**"]            # only these paths
 * overwrite: if-older             # never | if-older | always
 * outsideLinks: refuse            # refuse | skip | create: links leading outside the destination
 * </pre>
 * Parsing fails with a message that says what is wrong; nothing is restored then.
 */
public final class RestoreRequestFile {
    /** A request is small; anything larger is refused unread. */
    public static final long MAX_SIZE = 64 * 1024;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // destination: twice is a mistake to name, not a choice of the last one
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // include: "docs/**" means the one pattern
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    private static final Set<String> SYSTEM_FOLDERS = Set.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64",
            "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr", "/var/lib", "/var/run");

    private RestoreRequestFile() {
    }

    /** The fields as written in the file. */
    record Fields(String job, String destination, String snapshot, String at, String target, List<String> include,
                  String overwrite, String outsideLinks, @JsonProperty("comment") String comment) {
    }

    /** A request that cannot be carried out, and why. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads a request and refuses it unless its destination is inside the folders its job may restore
     * into ({@code allowedRoots}, which also refuses an unknown job).
     */
    public static RestoreRequest read(Path file, AllowedRoots.ForJob allowedRoots) throws Invalid, IOException {
        Fields fields = parse(file);
        if (fields == null || fields.job() == null || fields.job().isBlank()) {
            throw new Invalid("\"job\" is missing: name the job to restore");
        }
        if (fields.destination() == null || fields.destination().isBlank()) {
            throw new Invalid("\"destination\" is missing: name the folder to restore into");
        }
        Path destination;
        try {
            destination = Path.of(fields.destination()).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new Invalid("\"destination\" is not a usable folder name (" + e.getReason() + "); name a folder");
        }
        Instant at = null;
        if (fields.at() != null && fields.snapshot() != null) {
            throw new Invalid("\"snapshot\": " + fields.snapshot() + " and \"at\": " + fields.at() + " each choose a snapshot;"
                    + " give one of them (at picks the newest at or before its time)");
        }
        if (fields.at() != null) {
            try {
                at = Instant.parse(fields.at());
            } catch (DateTimeParseException e) {
                throw new Invalid("\"at\": \"" + fields.at() + "\" is not a time; write it as 2026-11-20T18:00:00Z");
            }
        }
        RestoreRequest.Overwrite overwrite;
        try {
            overwrite = RestoreRequest.Overwrite.parse(fields.overwrite() == null ? "if-older" : fields.overwrite());
        } catch (IllegalArgumentException e) {
            throw new Invalid("\"overwrite\"" + lineOf(file, "overwrite") + ": " + e.getMessage());
        }
        RestoreRequest.OutsideLinks outsideLinks;
        try {
            outsideLinks = RestoreRequest.OutsideLinks.parse(fields.outsideLinks() == null ? "refuse" : fields.outsideLinks());
        } catch (IllegalArgumentException e) {
            throw new Invalid("\"outsideLinks\"" + lineOf(file, "outsideLinks") + ": " + e.getMessage());
        }
        allowedRoots.of(fields.job()).check(destination);
        return new RestoreRequest(fields.job(), fields.snapshot() == null ? "latest" : fields.snapshot(), at, fields.target(),
                destination, fields.include() == null ? List.of() : fields.include(), overwrite, outsideLinks);
    }

    /** The request's fields as written (null for an empty document); Invalid when it is not a request at all. */
    private static Fields parse(Path file) throws Invalid, IOException {
        long size = Files.size(file);
        if (size > MAX_SIZE) {
            throw new Invalid("the request is " + size + " bytes; a request is at most " + MAX_SIZE + " bytes of YAML or JSON");
        }
        if (size == 0) {
            throw new Invalid("the request is empty; write at least job and destination (YAML or JSON)");
        }
        try {
            return YAML.readValue(file.toFile(), Fields.class);
        } catch (UnrecognizedPropertyException e) {
            String closest = io.backuprouter.values.Suggestions.closest(e.getPropertyName(), FIELDS);
            throw new Invalid("unknown field \"" + e.getPropertyName() + "\"" + lineOf(file, e.getPropertyName()) + "; "
                    + (closest != null ? "did you mean " + closest + "? " : "")
                    + "a request has " + String.join(", ", FIELDS.subList(0, FIELDS.indexOf("comment"))));
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
            if (field == null) {
                throw new Invalid("not a request" + where(e) + ": write its fields one per line, like job: notes and "
                        + "destination: /srv/restored");
            }
            throw new Invalid("\"" + field + "\"" + where(e) + ": " + ("include".equals(field)
                    ? "expected a list of patterns, like include: [\"docs/**\", \"*.pdf\"]"
                    : "expected text, like " + field + ": " + EXAMPLES.getOrDefault(field, "...")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage().lines().findFirst().orElse("");
            java.util.regex.Matcher twice = java.util.regex.Pattern.compile("Duplicate field '(.+)'").matcher(message);
            if (twice.find()) {
                throw new Invalid("\"" + twice.group(1) + "\" is given twice" + where(e) + "; keep the one you mean");
            }
            throw new Invalid("not a YAML or JSON request" + where(e) + ": " + message);
        }
    }

    /** The fields a request may have, in the record's order (comment last). */
    private static final List<String> FIELDS = java.util.Arrays.stream(Fields.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).toList();
    private static final java.util.Map<String, String> EXAMPLES = java.util.Map.of("job", "notes", "destination",
            "/srv/restored", "snapshot", "latest", "at", "2026-11-20T18:00:00Z", "target", "r2", "overwrite", "if-older",
            "outsideLinks", "refuse");

    /** " (line 3)": the first line that sets the field (the parser's position is past it by then). */
    private static String lineOf(Path file, String field) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return ""; // not UTF-8 (Jackson read UTF-16 or UTF-32 as well)
        }
        // A YAML key at the start of a line, quoted or not, or a JSON key anywhere (one-line JSON).
        java.util.regex.Pattern key = java.util.regex.Pattern.compile("^\\s*[{,]?\\s*[\"']?" + java.util.regex.Pattern.quote(field)
                + "[\"']?\\s*:|\"" + java.util.regex.Pattern.quote(field) + "\"\\s*:");
        for (int i = 0; i < lines.size(); i++) {
            if (key.matcher(lines.get(i)).find()) {
                return " (line " + (i + 1) + ")";
            }
        }
        return "";
    }

    /** " (line 3, column 14)" where the parser knows it. */
    private static String where(com.fasterxml.jackson.core.JsonProcessingException e) {
        var location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** The path with every link in its existing part followed (the part that does not exist yet appended). */
    static Path real(Path path) {
        Path existing = path;
        Path rest = Path.of("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        try {
            return existing == null ? path : existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    /** The system folder (/etc, /usr, C:\Windows...) the folder is or is inside, or null. */
    public static String systemFolder(Path folder) {
        String path = folder.toAbsolutePath().normalize().toString().replace('\\', '/');
        for (String system : SYSTEM_FOLDERS) {
            if (path.equals(system) || path.startsWith(system + "/")) {
                return system;
            }
        }
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.matches("^[a-z]:/windows(/.*)?$") || lower.matches("^[a-z]:/program files.*") ? path : null;
    }
}
