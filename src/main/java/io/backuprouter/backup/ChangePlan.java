package io.backuprouter.backup;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import java.util.List;
import java.util.Map;

/**
 * What a run does with the source, decided by comparing its scan with the parent snapshot (see
 * {@link ChangePlanner}); filled in as the run goes: packing adds the entries of the files it
 * stored, and the archives it wrote.
 *
 * @param entries       the new snapshot's entries known so far: folders, links, and files whose
 *                      content the parent snapshot already stores
 * @param changed       the files to read: new, changed, or stored in no archive this run may reuse
 * @param before        the parent snapshot's entries by path, of content this run may reference
 * @param byContent     the parent snapshot's files by SHA-256, of content this run may reference
 * @param knownArchives the archives the new snapshot may name, by id
 * @param warnings      what the user is told about this run, in the order it was found
 */
record ChangePlan(List<FileEntry> entries, List<FileEntry> changed, Map<String, FileEntry> before,
                  Map<String, FileEntry> byContent, Map<String, ArchiveInfo> knownArchives, List<String> warnings) {

    /** The number of bytes of the files to read. */
    long changedBytes() {
        return changed.stream().mapToLong(FileEntry::size).sum();
    }

    /** Adds, for a file that could not be stored now, its entry in the parent snapshot (if it had one). */
    void keepPrevious(String path) {
        keepPrevious(before.get(path), entries);
    }

    static void keepPrevious(FileEntry previous, List<FileEntry> entries) {
        if (previous != null && previous.isFile()) {
            entries.add(previous);
        }
    }
}
