package io.backuprouter.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Reads and writes snapshot manifests: JSON, encrypted with age. */
public final class Manifests {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Manifests() {
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * The manifests' JSON settings without indentation: a listing piece's text, byte for byte the same
     * for the same records (fields in declared order, absent ones left out; docs/format.md).
     */
    public static ObjectWriter compactJson() {
        return JSON.writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    /** The plain JSON of a manifest. */
    public static void writeJson(Snapshot snapshot, OutputStream out) throws IOException {
        JSON.writeValue(out, snapshot);
    }

    /** The manifest encrypted to the recipients. */
    public static void writeEncrypted(Snapshot snapshot, OutputStream out, List<String> recipients) throws IOException {
        writeEncrypted(snapshot, out, io.backuprouter.crypto.AgeEncryption.toRecipients(recipients));
    }

    /** The manifest encrypted to recipients or a passphrase. */
    public static void writeEncrypted(Snapshot snapshot, OutputStream out, io.backuprouter.crypto.AgeEncryption encryption)
            throws IOException {
        try (OutputStream encrypted = Age.encrypt(out, encryption)) {
            JSON.writeValue(encrypted, snapshot);
        }
    }

    /** The bytes are not a snapshot manifest (damaged, cut short, or another file). */
    public static final class Unreadable extends IOException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Parses plain JSON; a newer format version is refused rather than misread.
     *
     * @throws Unreadable when it is not a snapshot manifest at all
     */
    public static Snapshot readJson(InputStream in, String name) throws IOException {
        Snapshot snapshot;
        try {
            snapshot = JSON.readValue(in, Snapshot.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new Unreadable(name + ": not a valid snapshot manifest: " + fieldProblem(e), e);
        } catch (JsonProcessingException e) {
            throw new Unreadable(name + ": not a valid snapshot manifest: " + e.getOriginalMessage(), e);
        }
        if (snapshot == null || !Snapshot.FORMAT.equals(snapshot.format())) {
            throw new Unreadable(name + ": not a snapshot manifest (format \"" + (snapshot == null ? null : snapshot.format())
                    + "\")", null);
        }
        if (snapshot.version() > Snapshot.READ_VERSION) {
            throw new IOException(name + ": manifest format version " + snapshot.version()
                    + " is newer than this program reads (" + Snapshot.READ_VERSION + "); upgrade backup-router");
        }
        if (snapshot.inPieces() && snapshot.listing() == null) {
            throw new Unreadable(name + ": not a valid snapshot manifest: version " + snapshot.version()
                    + " keeps its records in pieces, but it has no \"listing\"", null);
        }
        return snapshot;
    }

    /** Which field holds what, in the manifest's own words (files[3].size), without Java's type names. */
    private static String fieldProblem(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder field = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference at : e.getPath()) {
            field.append(at.getFieldName() != null ? (field.length() == 0 ? "" : ".") + at.getFieldName()
                    : "[" + at.getIndex() + "]");
        }
        String value = e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException invalid
                ? " \"" + String.valueOf(invalid.getValue()).replaceAll("\\p{Cntrl}", "?") + "\"" : "";
        return field.length() == 0 ? "its JSON does not have the manifest's shape"
                : "field " + field + " holds a value" + value + " of the wrong kind";
    }

    /** Decrypts and parses; {@link Age.WrongKeyException} when the identity is not a recipient. */
    public static Snapshot readEncrypted(InputStream in, AgeIdentity identity, String name) throws IOException {
        try (InputStream plain = Age.decrypt(in, identity)) {
            return readJson(plain, name);
        } catch (Age.WrongKeyException e) {
            throw new Age.WrongKeyException(name + ": " + e.getMessage(), e);
        } catch (Age.DamagedException e) {
            throw new Age.DamagedException(name + ": " + e.getMessage(), e);
        }
    }
}
