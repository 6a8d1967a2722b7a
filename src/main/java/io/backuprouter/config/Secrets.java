package io.backuprouter.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values this process has read, so that anything shown to a person (log lines,
 * error messages) can be scrubbed of them. Settings of kind {@link Setting.Kind#SECRET} register
 * here when they are read.
 */
public final class Secrets {
    private static final String MASK = "****";
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    public static void register(String secret) {
        // Very short values would mask ordinary words; real keys are long.
        if (secret != null && secret.length() >= 6) {
            VALUES.add(secret);
        }
    }

    /** An age identity (a secret key), wherever it appears: never shown, even when it was not read as one. */
    private static final java.util.regex.Pattern AGE_IDENTITY = java.util.regex.Pattern.compile(
            "AGE-SECRET-KEY-1[0-9A-Za-z]+", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** The text with every registered secret, and every age identity, replaced by {@value #MASK}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = AGE_IDENTITY.matcher(text).replaceAll(MASK);
        if (VALUES.isEmpty()) {
            return out;
        }
        for (String secret : VALUES) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }
}
