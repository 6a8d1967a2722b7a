package io.backuprouter.repository;

import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * Which pieces of a version 2 listing a read needs when only paths that start with some prefixes are
 * wanted (docs/format.md, "Reading part of a listing"). Piece {@code i} holds the paths in
 * {@code [first(i), first(i+1))} (the reader checks it), and the paths that start with a prefix are
 * one run in path order, so the pieces whose range meets that run are the only ones that can hold
 * them. Each folder above a prefix ({@code docs} and {@code docs/x} for {@code docs/x/y.txt}) is read
 * too: a restore needs the folders' records, and a record below one that is not a folder is refused.
 * Every folder above a path that starts with the prefix either starts with it too or is one of these.
 */
final class PieceSelection {
    private PieceSelection() {
    }

    /**
     * The indexes of the pieces to read.
     *
     * @param firsts each piece's first path, strictly ascending
     * @param prefixes what the wanted paths start with (none empty)
     */
    static BitSet of(List<String> firsts, Collection<String> prefixes) {
        BitSet read = new BitSet(firsts.size());
        for (String prefix : prefixes) {
            for (int i = 0; i < firsts.size(); i++) {
                if (canHoldStartOf(firsts, i, prefix)) {
                    read.set(i);
                }
            }
            for (int slash = prefix.indexOf('/'); slash > 0; slash = prefix.indexOf('/', slash + 1)) {
                int holder = holding(firsts, prefix.substring(0, slash));
                if (holder >= 0) {
                    read.set(holder);
                }
            }
        }
        return read;
    }

    /** Every piece. */
    static BitSet all(int pieces) {
        BitSet read = new BitSet(pieces);
        read.set(0, pieces);
        return read;
    }

    /**
     * Whether some path that starts with {@code prefix} lies in piece {@code i}'s range: the range
     * does not end at or before the prefix, and it begins before the prefix or inside its run.
     */
    private static boolean canHoldStartOf(List<String> firsts, int i, String prefix) {
        String first = firsts.get(i);
        boolean endsAfter = i + 1 == firsts.size() || firsts.get(i + 1).compareTo(prefix) > 0;
        return endsAfter && (first.compareTo(prefix) < 0 || first.startsWith(prefix));
    }

    /** The piece whose range holds this path (the last whose first path is not after it), or -1 (before the first). */
    private static int holding(List<String> firsts, String path) {
        int low = 0;
        int high = firsts.size() - 1;
        int found = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (firsts.get(middle).compareTo(path) <= 0) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }
}
