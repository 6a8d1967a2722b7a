package io.backuprouter.repository;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.catalog.ListingPiece;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeEncryption;
import io.backuprouter.crypto.AgeIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A snapshot's records in listing pieces, and back (docs/format.md, "Listing pieces"): where the
 * sorted records are cut, each piece's JSON text and id, and its stored form (zstd, then age).
 *
 * <p>The cut depends on paths alone, so a changed or added record changes only the piece that holds
 * it: a piece ends after a record whose path's SHA-256 begins with {@value #BOUNDARY_ZERO_BITS} zero
 * bits, after {@value #MAX_RECORDS} records, or at the end. The text is the manifests' JSON without
 * indentation, so the same records always give the same text and the same id.
 */
public final class ListingPieces {
    /** The most records in one piece. */
    public static final int MAX_RECORDS = 4096;
    /** A piece ends after a record whose path's SHA-256 begins with this many zero bits. */
    public static final int BOUNDARY_ZERO_BITS = 9;
    /** The longest JSON text of one piece, in bytes: a reader stops decompressing there. */
    public static final long MAX_TEXT_BYTES = 64L << 20;
    /** The zstd level pieces are compressed with (any level reads the same). */
    public static final int LEVEL = 3;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    private ListingPieces() {
    }

    /**
     * One piece as written: its content, its exact JSON text, and its id (the text's SHA-256). A piece
     * taken from an earlier snapshot ({@link #encode(List, List, String, Earlier)}) has its id already;
     * its text is made only if it must be stored again.
     */
    public static final class Encoded {
        private final ListingPiece piece;
        private final String id;
        private volatile byte[] json;

        /** A piece with its text and id as given (tests forge pieces no writer makes with it). */
        public Encoded(ListingPiece piece, byte[] json, String id) {
            this.piece = piece;
            this.json = json;
            this.id = id;
        }

        public ListingPiece piece() {
            return piece;
        }

        public String id() {
            return id;
        }

        /** The exact JSON text (made again, and checked against the id, for a piece taken from an earlier snapshot). */
        public byte[] json() {
            byte[] text = json;
            if (text == null) {
                text = text(piece);
                String actual = HexFormat.of().formatHex(sha256(text));
                if (!actual.equals(id)) {
                    throw new IllegalStateException("listing piece from " + piece.files().get(0).path() + ": its records give"
                            + " the id " + actual + ", not " + id + " as the earlier snapshot's listing says");
                }
                json = text;
            }
            return text;
        }

        /** The object key, relative to the job's folder. */
        public String key() {
            return ListingPiece.keyOf(id);
        }

        /** Its element of a manifest's {@code listing}. */
        public ListedPiece listed() {
            return new ListedPiece(id, piece.files().get(0).path(), piece.files().size());
        }
    }

    /**
     * The pieces of an earlier snapshot (its listing, records and archives, and what they are encrypted
     * to), so that a run of records that is the same is taken with its id, not written and hashed again.
     */
    public record Earlier(List<ListedPiece> listing, List<FileEntry> files, List<ArchiveInfo> archives, String encryptedTo) {
        /** The earlier snapshot's pieces by first path, each with its records; empty when they do not add up. */
        Map<String, Known> byFirst() {
            Map<String, Known> known = new java.util.HashMap<>();
            if (listing == null || files == null || archives == null || encryptedTo == null) {
                return known;
            }
            int at = 0;
            for (ListedPiece listed : listing) {
                if (listed == null || !isId(listed.piece()) || listed.records() < 1 || at + listed.records() > files.size()
                        || !files.get(at).path().equals(listed.first())) {
                    return Map.of(); // not this snapshot's listing (a damaged local state): nothing is taken
                }
                known.put(listed.first(), new Known(listed.piece(), files.subList(at, at + listed.records())));
                at += listed.records();
            }
            return at == files.size() ? known : Map.of();
        }

        /**
         * Whether each path of the earlier snapshot ends a piece, where its cut shows it: a path inside a
         * piece does not; the last of a piece that is not the listing's last and holds fewer than
         * {@value #MAX_RECORDS} records does (one cut by its count, or by the end, says nothing).
         */
        Map<String, Boolean> ends(Map<String, Known> known) {
            Map<String, Boolean> ends = new java.util.HashMap<>();
            if (known.isEmpty()) {
                return ends;
            }
            for (int p = 0; p < listing.size(); p++) {
                List<FileEntry> records = known.get(listing.get(p).first()).records();
                for (int i = 0; i < records.size() - 1; i++) {
                    ends.put(records.get(i).path(), false);
                }
                if (p < listing.size() - 1 && records.size() < MAX_RECORDS) {
                    ends.put(records.get(records.size() - 1).path(), true);
                }
            }
            return ends;
        }
    }

    private record Known(String id, List<FileEntry> records) {
    }

    /** Whether a piece ends after the record with this path: its SHA-256 begins with nine zero bits. */
    public static boolean endsPiece(String path) {
        byte[] hash = sha256(path.getBytes(StandardCharsets.UTF_8));
        return hash[0] == 0 && (hash[1] & 0x80) == 0;
    }

    /** Whether this is a piece id (64 lower-case hex digits): only such an id ever becomes a key. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The records, sorted by path, cut into runs by the rule above. */
    public static List<List<FileEntry>> split(List<FileEntry> sorted) {
        return split(sorted, Map.of());
    }

    /**
     * As {@link #split(List)}, taking whether a path ends a piece from {@code ends} where it says (what an
     * earlier snapshot's cut shows), so that the paths of a large tree are not all hashed again each run.
     */
    static List<List<FileEntry>> split(List<FileEntry> sorted, Map<String, Boolean> ends) {
        List<List<FileEntry>> runs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < sorted.size(); i++) {
            String path = sorted.get(i).path();
            Boolean known = ends.get(path);
            if (i + 1 - start == MAX_RECORDS || (known != null ? known : endsPiece(path))) {
                runs.add(List.copyOf(sorted.subList(start, i + 1)));
                start = i + 1;
            }
        }
        if (start < sorted.size()) {
            runs.add(List.copyOf(sorted.subList(start, sorted.size())));
        }
        return runs;
    }

    /**
     * A snapshot's records as pieces, in order, each naming the archives its files name.
     *
     * @param sorted every record, sorted by path
     * @param archives the archives the files name (others are left out)
     * @param encryptedTo what the pieces will be encrypted to, as the manifest's {@code encryptedTo} says it
     * @throws IllegalArgumentException when a file names an archive that is not given, or a piece's text
     *     would be over {@link #MAX_TEXT_BYTES}
     */
    public static List<Encoded> encode(List<FileEntry> sorted, List<ArchiveInfo> archives, String encryptedTo) {
        return encode(sorted, archives, encryptedTo, null);
    }

    /**
     * As {@link #encode(List, List, String)}, taking a piece of the earlier snapshot as it is (its id,
     * without writing its text) where a run holds the same records, names the same archives recorded
     * alike, and is for the same key: the text, and so the id, would be the same.
     */
    public static List<Encoded> encode(List<FileEntry> sorted, List<ArchiveInfo> archives, String encryptedTo,
                                       Earlier earlier) {
        Map<String, ArchiveInfo> byId = new TreeMap<>();
        archives.forEach(a -> byId.putIfAbsent(a.id(), a));
        Map<String, Known> known = earlier == null || !java.util.Objects.equals(earlier.encryptedTo(), encryptedTo)
                ? Map.of() : earlier.byFirst();
        Map<String, ArchiveInfo> earlierArchives = new java.util.HashMap<>();
        if (!known.isEmpty()) {
            earlier.archives().forEach(a -> earlierArchives.putIfAbsent(a.id(), a));
        }
        List<Encoded> pieces = new ArrayList<>();
        for (List<FileEntry> run : split(sorted, known.isEmpty() ? Map.of() : earlier.ends(known))) {
            ListingPiece piece = piece(run, byId, encryptedTo);
            Known same = known.get(run.get(0).path());
            if (same != null && same.records().equals(run)
                    && piece.archives().stream().allMatch(a -> a.equals(earlierArchives.get(a.id())))) {
                pieces.add(new Encoded(piece, null, same.id()));
            } else {
                byte[] json = text(piece);
                pieces.add(new Encoded(piece, json, HexFormat.of().formatHex(sha256(json))));
            }
        }
        return pieces;
    }

    private static ListingPiece piece(List<FileEntry> run, Map<String, ArchiveInfo> archives, String encryptedTo) {
        Map<String, ArchiveInfo> named = new TreeMap<>();
        for (FileEntry record : run) {
            if (record.archive() != null) {
                ArchiveInfo archive = archives.get(record.archive());
                if (archive == null) {
                    throw new IllegalArgumentException("listing piece: " + record.path() + " names archive "
                            + record.archive() + ", which the snapshot does not list");
                }
                named.put(archive.id(), archive);
            }
        }
        return new ListingPiece(ListingPiece.FORMAT, ListingPiece.VERSION, encryptedTo, List.copyOf(named.values()), run);
    }

    /** A piece's exact JSON text. */
    private static byte[] text(ListingPiece piece) {
        byte[] json;
        try {
            json = Manifests.compactJson().writeValueAsBytes(piece);
        } catch (IOException e) {
            throw new IllegalStateException("listing piece from " + piece.files().get(0).path() + ": " + e.getMessage(), e);
        }
        if (json.length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("listing piece from " + piece.files().get(0).path() + ": its text is "
                    + json.length + " bytes, over the " + MAX_TEXT_BYTES + " a reader accepts");
        }
        return json;
    }

    /** The stored form of a piece: its text compressed with zstd, then encrypted with age. */
    public static byte[] seal(Encoded piece, AgeEncryption encryption) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream encrypted = Age.encrypt(stored, encryption);
             OutputStream compressed = new ZstdOutputStream(encrypted, LEVEL)) {
            compressed.write(piece.json());
        }
        return stored.toByteArray();
    }

    /**
     * Reads a stored piece: decrypts, decompresses (at most {@link #MAX_TEXT_BYTES}), checks that the
     * text hashes to {@code id}, and parses it.
     *
     * @param name the object as messages name it
     * @throws Age.WrongKeyException when the identity is not one it was encrypted to
     * @throws IOException naming the object when it is damaged, its text is not its id's, or it is not a piece
     */
    public static ListingPiece open(InputStream stored, AgeIdentity identity, String id, String name) throws IOException {
        byte[] json;
        try (InputStream plain = Age.decrypt(stored, identity)) {
            json = decompressed(plain, name);
        } catch (Age.WrongKeyException e) {
            throw new Age.WrongKeyException(name + ": " + e.getMessage(), e);
        } catch (Age.DamagedException e) {
            throw new Age.DamagedException(name + ": " + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(sha256(json));
        if (!actual.equals(id)) {
            throw new IOException(name + ": damaged: its content hashes to " + actual + ", not to the id " + id
                    + " it is stored and listed under; it is not used");
        }
        return parsed(json, name);
    }

    private static byte[] decompressed(InputStream plain, String name) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        try (InputStream zstd = new ZstdInputStream(plain)) {
            for (int n; (n = zstd.read(buffer)) > 0; ) {
                if (text.size() + (long) n > MAX_TEXT_BYTES) {
                    throw new IOException(name + ": refused: it expands to more than " + MAX_TEXT_BYTES
                            + " bytes, more than any listing piece holds (a zip bomb, or not a piece)");
                }
                text.write(buffer, 0, n);
            }
        } catch (com.github.luben.zstd.ZstdIOException e) {
            throw new IOException(name + ": not a listing piece: its content is not zstd data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(name)) {
                throw e;
            }
            throw new IOException(name + ": " + e.getMessage(), e); // damage after the age header, found as it is read
        }
        return text.toByteArray();
    }

    private static ListingPiece parsed(byte[] json, String name) throws IOException {
        ListingPiece piece;
        try {
            piece = Manifests.json().readValue(json, ListingPiece.class);
        } catch (IOException e) {
            throw new IOException(name + ": not a valid listing piece: its JSON does not have a piece's shape", e);
        }
        if (piece == null || !ListingPiece.FORMAT.equals(piece.format()) || piece.version() != ListingPiece.VERSION) {
            throw new IOException(name + ": not a listing piece (format \"" + (piece == null ? null : piece.format())
                    + "\", version " + (piece == null ? null : piece.version()) + "; this program reads "
                    + ListingPiece.FORMAT + " version " + ListingPiece.VERSION + ")");
        }
        if (piece.files() == null || piece.files().isEmpty() || piece.files().size() > MAX_RECORDS) {
            throw new IOException(name + ": not a valid listing piece: it holds " + (piece.files() == null ? 0
                    : piece.files().size()) + " records, where a piece holds 1 to " + MAX_RECORDS);
        }
        return piece.archives() == null ? new ListingPiece(piece.format(), piece.version(), piece.encryptedTo(), List.of(),
                piece.files()) : piece;
    }

    private static byte[] sha256(byte[] bytes) {
        return io.backuprouter.crypto.Digests.sha256().digest(bytes);
    }
}
