package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * One entry of a snapshot: a file, a folder or a symbolic link present in the source at backup
 * time. Paths are relative to the source folder, {@code /}-separated.
 *
 * @param path relative path, e.g. {@code notes/2026/plan.md}
 * @param type {@code file}, {@code dir} or {@code symlink}
 * @param size content size in bytes (files), else 0
 * @param mtime modification time
 * @param mode POSIX permission bits in octal, e.g. {@code 0644}, or {@code null} where the file
 *     system has none
 * @param sha256 hex SHA-256 of the content (files)
 * @param archive id of the archive holding the content (files; often an older archive)
 * @param entry name of the zip entry holding the content in that archive (files)
 * @param target the link's target, as stored in the link (symlinks)
 * @param offset where the entry's local file header lies in the archive's plaintext (files; absent in
 *     records written before this field existed: a minor addition to version 1)
 * @param csize the bytes of the entry's data after its local header (files; absent likewise)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"path", "type", "size", "mtime", "mode", "sha256", "archive", "entry", "offset", "csize", "target"})
public record FileEntry(String path, String type, long size, Instant mtime, String mode, String sha256,
                        String archive, String entry, Long offset, Long csize, String target) {
    public static final String FILE = "file";
    public static final String DIR = "dir";
    public static final String SYMLINK = "symlink";

    /** A record whose entry's place in its archive is not recorded. */
    public FileEntry(String path, String type, long size, Instant mtime, String mode, String sha256, String archive,
                     String entry, String target) {
        this(path, type, size, mtime, mode, sha256, archive, entry, null, null, target);
    }

    /** Whether the record says where its entry lies, so that it can be read alone. */
    @JsonIgnore
    public boolean placed() {
        return offset != null && csize != null;
    }

    @JsonIgnore
    public boolean isFile() {
        return FILE.equals(type);
    }

    /** This entry (new time, same content) with the content record of an older one. */
    public FileEntry withContentOf(FileEntry old) {
        return new FileEntry(path, type, size, mtime, mode, old.sha256, old.archive, old.entry, old.offset, old.csize, target);
    }

    public FileEntry withSha256(String hex) {
        return new FileEntry(path, type, size, mtime, mode, hex, archive, entry, offset, csize, target);
    }

    /** This entry with its content found in another archive entry (whose place is not known). */
    public FileEntry storedIn(String archiveId, String entryName) {
        return new FileEntry(path, type, size, mtime, mode, sha256, archiveId, entryName, null, null, target);
    }

    /** This entry with its content in an archive entry at this place. */
    public FileEntry storedAt(String archiveId, String entryName, long entryOffset, long entryCsize) {
        return new FileEntry(path, type, size, mtime, mode, sha256, archiveId, entryName, entryOffset, entryCsize, target);
    }
}
