package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Counts for a snapshot, for listings.
 *
 * @param files regular files in the snapshot
 * @param dirs folders
 * @param symlinks symbolic links
 * @param bytes total size of the files
 * @param addedFiles files whose content this run uploaded
 * @param addedBytes their size before compression
 * @param uploadedBytes encrypted bytes this run uploaded (new archives)
 */
@JsonPropertyOrder({"files", "dirs", "symlinks", "bytes", "addedFiles", "addedBytes", "uploadedBytes"})
public record SnapshotStats(long files, long dirs, long symlinks, long bytes, long addedFiles, long addedBytes,
                            long uploadedBytes) {
}
