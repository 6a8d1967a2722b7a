package io.backuprouter.files;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Local file errors in words. Java's file exceptions carry only the path as their message
 * ({@code /srv/restore/photos}), which said nothing of what went wrong.
 */
public final class LocalErrors {
    private LocalErrors() {
    }

    /** "PATH: what is wrong" for a file-system error; the message (or the error's kind) for any other. */
    public static String describe(Throwable e) {
        if (e instanceof FileSystemException fs) {
            String what = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "is in the way: it exists and is not a folder"
                            + " (a file, or a link to something that does not exist)"
                    : e instanceof NoSuchFileException ? "does not exist"
                    : e instanceof NotDirectoryException ? "is not a folder"
                    : e instanceof DirectoryNotEmptyException ? "is a folder that is not empty"
                    : e instanceof FileSystemLoopException ? "leads round in a loop of links"
                    : e instanceof NotLinkException ? "is not a link"
                    : fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
            String file = fs.getFile() == null ? "" : fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
            return file.isEmpty() ? what : file + ": " + what;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
