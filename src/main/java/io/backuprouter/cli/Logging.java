package io.backuprouter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels set from the command line. */
final class Logging {
    private Logging() {
    }

    static void verbose(boolean verbose) {
        if (verbose) {
            ((Logger) LoggerFactory.getLogger("io.backuprouter")).setLevel(Level.DEBUG);
        }
    }
}
