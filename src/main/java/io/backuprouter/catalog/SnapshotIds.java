package io.backuprouter.catalog;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Snapshot and archive ids. Snapshot ids sort in time order. */
public final class SnapshotIds {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern SNAPSHOT_KEY = Pattern.compile("snapshots/((\\d{8}T\\d{6}\\.\\d{3}Z)-[0-9a-f]{8})\\.json\\.age");
    private static final SecureRandom RANDOM = new SecureRandom();

    private SnapshotIds() {
    }

    public static String newSnapshotId(Instant time) {
        return TIME.format(time) + "-" + hex(4);
    }

    public static String newArchiveId() {
        return hex(16);
    }

    /** The snapshot id in an object key ({@code snapshots/<id>.json.age}), if it is one. */
    public static Optional<String> fromKey(String key) {
        Matcher m = SNAPSHOT_KEY.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The time in a snapshot id. */
    public static Instant timeOf(String snapshotId) {
        return Instant.from(TIME.parse(snapshotId.substring(0, 20)));
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
