package io.backuprouter.repository;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules every record of a manifest must follow to be restored, in one place: restore and verify
 * both judge a snapshot through {@link #judge}, so that they can never disagree about which records
 * are restorable. A manifest is untrusted input (anyone who knows the job's recipient can write one):
 * a record is refused, with why, when its path could leave a destination or name nothing a file system
 * stores, its type is unknown, or its content record is incomplete or names an archive the manifest
 * does not list properly. What depends on the destination (links already there, letter case) is
 * restore's to judge; what depends on the stored bytes is {@link ArchiveReader}'s.
 */
public final class SnapshotRules {
    /** The longest name (one path segment) common file systems store, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 255;
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ARCHIVE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{1,4}");
    private static final Set<String> TYPES = Set.of(FileEntry.FILE, FileEntry.DIR, FileEntry.SYMLINK);

    private SnapshotRules() {
    }

    /** A record that must not be restored, and why. */
    public record Refusal(FileEntry record, String reason) {
        /** As restore and verify print it: the path (shown safely), then why. */
        @Override
        public String toString() {
            return shown(record.path()) + ": refused: " + reason;
        }
    }

    /**
     * A manifest judged.
     *
     * @param accepted the records that may be restored, in the manifest's order
     * @param refused every other record, and why
     * @param archives the archives the accepted files need, by id
     */
    public record Judged(List<FileEntry> accepted, List<Refusal> refused, Map<String, ArchiveInfo> archives) {
    }

    /** Judges every record of a snapshot. */
    public static Judged judge(Snapshot snapshot) {
        Map<String, ArchiveInfo> listed = new LinkedHashMap<>();
        Map<String, String> damagedArchives = new HashMap<>();
        for (ArchiveInfo archive : snapshot.archives() == null ? List.<ArchiveInfo>of() : snapshot.archives()) {
            String problem = archiveProblem(archive);
            if (problem == null) {
                listed.putIfAbsent(archive.id(), archive);
            } else if (archive != null && archive.id() != null) {
                damagedArchives.putIfAbsent(archive.id(), problem);
            }
        }
        List<FileEntry> records = snapshot.files() == null ? List.of() : snapshot.files();
        Map<String, FileEntry> byPath = new HashMap<>();
        Set<String> repeated = new HashSet<>();
        for (FileEntry record : records) {
            if (record != null && record.path() != null && byPath.putIfAbsent(record.path(), record) != null) {
                repeated.add(record.path());
            }
        }
        List<FileEntry> accepted = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        Map<String, ArchiveInfo> needed = new LinkedHashMap<>();
        for (FileEntry given : records) {
            FileEntry record = given != null ? given : new FileEntry(null, null, 0, null, null, null, null, null, null);
            String reason = given == null ? "the manifest holds an empty record (null) among its files" : pathProblem(record.path());
            if (reason == null) {
                reason = repeated.contains(record.path()) ? "the manifest records this path more than once" : null;
            }
            if (reason == null) {
                reason = ancestorProblem(record.path(), byPath);
            }
            if (reason == null) {
                reason = recordProblem(record, listed, damagedArchives);
            }
            if (reason != null) {
                refused.add(new Refusal(record, reason));
            } else {
                accepted.add(record);
                if (record.isFile()) {
                    needed.putIfAbsent(record.archive(), listed.get(record.archive()));
                }
            }
        }
        return new Judged(List.copyOf(accepted), List.copyOf(refused), needed);
    }

    /**
     * Why a snapshot path cannot be restored under any destination, or null: it must be relative,
     * {@code /}-separated, without empty, {@code .} or {@code ..} segments, backslashes, NUL, a
     * drive letter, or a name longer than {@value #MAX_NAME_BYTES} bytes.
     */
    public static String pathProblem(String path) {
        if (path == null || path.isEmpty()) {
            return "the record has no path";
        }
        if (path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0 || DRIVE.matcher(path).matches()) {
            return "\"" + shown(path) + "\" is not a relative path";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "\"" + shown(path) + "\" has an empty, . or .. segment";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                return "a name in it is longer than " + MAX_NAME_BYTES + " bytes, which file systems do not store";
            }
        }
        return null;
    }

    /**
     * Whether a link stored at {@code linkPath} with this target leads outside the folder the
     * snapshot is restored into, judged on the text alone: absolute targets always do. Links already
     * in a destination can still lead a relative target elsewhere: restore checks that on disk.
     */
    public static boolean leadsOutside(String linkPath, String target) {
        if (target == null || target.isEmpty() || target.startsWith("/") || target.contains("\\")
                || DRIVE.matcher(target).matches()) {
            return true;
        }
        int depth = linkPath.split("/", -1).length - 1;
        for (String segment : target.split("/", -1)) {
            if (segment.equals("..")) {
                depth--;
                if (depth < 0) {
                    return true;
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                depth++;
            }
        }
        return false;
    }

    /** A record's path as a set of paths holds it: itself, or {@link #shown} of a missing one. */
    public static String shownOrPath(String path) {
        return path == null ? shown(null) : path;
    }

    /** A path as it may be printed: control characters (NUL, line breaks) escaped, very long paths cut. */
    public static String shown(String path) {
        if (path == null) {
            return "(no path)";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.length() && out.length() < 300; i++) {
            char c = path.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.length() >= 300 ? out + "..." : out.toString();
    }

    /** A record below one that is not a folder (a file or a link): no real tree holds it. */
    private static String ancestorProblem(String path, Map<String, FileEntry> byPath) {
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            FileEntry parent = byPath.get(path.substring(0, slash));
            if (parent != null && !FileEntry.DIR.equals(parent.type())) {
                return "it lies below " + shown(parent.path()) + ", which the snapshot records as a "
                        + (FileEntry.SYMLINK.equals(parent.type()) ? "link" : parent.type());
            }
        }
        return null;
    }

    private static String recordProblem(FileEntry record, Map<String, ArchiveInfo> listed, Map<String, String> damaged) {
        if (record.type() == null) {
            return "the record has no type";
        }
        if (!TYPES.contains(record.type())) {
            return "unknown type \"" + shown(record.type()) + "\": this version restores files, folders and links only"
                    + " (a newer backup-router may know it)";
        }
        if (record.mtime() == null) {
            return "the record has no modification time";
        }
        if (record.mode() != null && (!MODE.matcher(record.mode()).matches() || Integer.parseInt(record.mode(), 8) > 07777)) {
            return "its mode \"" + shown(record.mode()) + "\" is not octal permission bits (0000 to 7777)";
        }
        if (FileEntry.SYMLINK.equals(record.type())) {
            return record.target() == null || record.target().isEmpty() || record.target().indexOf('\0') >= 0
                    ? "the link has no usable target" : null;
        }
        if (!record.isFile()) {
            return null;
        }
        if (record.size() < 0) {
            return "the manifest records a negative size (" + record.size() + ")";
        }
        if (record.sha256() == null || !SHA256.matcher(record.sha256()).matches()) {
            return "the manifest records no valid SHA-256 for it";
        }
        if (record.entry() == null || record.entry().isEmpty()) {
            return "the manifest names no zip entry for its content";
        }
        if (record.archive() == null) {
            return "the manifest names no archive for its content";
        }
        if (damaged.containsKey(record.archive()) && !listed.containsKey(record.archive())) {
            return "its content is in archive " + shown(record.archive()) + ", whose record in the manifest is damaged ("
                    + damaged.get(record.archive()) + ")";
        }
        if (!listed.containsKey(record.archive())) {
            return "its content is in archive " + shown(record.archive()) + ", which the manifest does not list";
        }
        return null;
    }

    /** Why an archive record cannot be used (its key must be the one its id gives), or null. */
    private static String archiveProblem(ArchiveInfo archive) {
        if (archive == null || archive.id() == null || !ARCHIVE_ID.matcher(archive.id()).matches()) {
            return "its id is not 32 hex digits";
        }
        if (!ArchiveInfo.keyOf(archive.id()).equals(archive.key())) {
            return "its key \"" + shown(archive.key()) + "\" is not " + ArchiveInfo.keyOf(archive.id());
        }
        if (archive.size() < 0) {
            return "it records a negative size";
        }
        return null;
    }
}
