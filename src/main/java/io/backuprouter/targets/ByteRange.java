package io.backuprouter.targets;

/**
 * The bytes {@code [offset, offset + length)} of an object, as {@link ObjectStore#get(String, long, long)}
 * reads them.
 *
 * @param offset the first byte, from 0
 * @param length how many bytes from there, up to the object's end
 */
record ByteRange(long offset, long length) {
    ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("invalid byte range: offset " + offset + ", length " + length
                    + " (neither may be negative)");
        }
    }

    /** The last byte asked for, or {@code -1} when the range runs to the object's end ({@code offset + length} overflows). */
    long last() {
        return length > Long.MAX_VALUE - offset ? -1 : offset + length - 1;
    }

    /** The HTTP {@code Range} header's value; not for an empty range, which HTTP cannot express. */
    String httpRange() {
        if (length == 0) {
            throw new IllegalStateException("an empty range has no HTTP form");
        }
        return "bytes=" + offset + "-" + (last() < 0 ? "" : Long.toString(last()));
    }

    @Override
    public String toString() {
        return "bytes " + offset + "+" + length;
    }
}
