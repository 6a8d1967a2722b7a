package io.backuprouter.targets;

/** Checks and joins object keys. */
public final class Keys {
    private Keys() {
    }

    /**
     * Checks that a key is relative, {@code /}-separated, without empty, {@code .} or {@code ..}
     * segments, so that it can never name something outside the target's root.
     */
    public static String check(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("\\")
                || key.contains("\0")) {
            throw new IllegalArgumentException("invalid object key \"" + key + "\"");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid object key \"" + key + "\"");
            }
        }
        return key;
    }

    /** The root path and key joined: {@code root/key}, or the key alone for an empty root. */
    public static String under(String root, String key) {
        return root.isEmpty() ? key : root + "/" + key;
    }
}
