package io.backuprouter.targets;

import java.io.IOException;

/** The object does not exist on the target. */
public class NoSuchObjectException extends IOException {
    public NoSuchObjectException(String target, String key) {
        super(target + ": " + key + ": no such object");
    }
}
