package io.backuprouter.files;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Puts a finished temporary file in place of its target in one step, where the file system can. */
public final class AtomicMove {
    private AtomicMove() {
    }

    /**
     * Renames {@code temp} to {@code target}, replacing it: atomically, so that a reader sees the old
     * file or the new one, never half of one; a file system that cannot (some network shares) gets a
     * plain replacing move.
     */
    public static void replace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
