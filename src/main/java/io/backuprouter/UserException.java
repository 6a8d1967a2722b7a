package io.backuprouter;

/**
 * A problem the user can fix (bad config, unreachable target, wrong key...). Printed as its
 * message alone, without a stack trace; the message says what is wrong and what to do.
 */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
