package io.backuprouter.files;


/** What a backup run reports while it works; the CLI draws a progress bar from it. */
public interface BackupProgress {
    BackupProgress NONE = new BackupProgress() { };

    /** The content to read is known: files and bytes that are new or changed. */
    default void toRead(long files, long bytes) {
    }

    /** Bytes of new or changed content read (hashed or packed). */
    default void read(long bytes) {
    }

    /** A step of the run, for people ("scanning", "uploading archive 2 of 5"). */
    default void step(String text) {
    }
}
