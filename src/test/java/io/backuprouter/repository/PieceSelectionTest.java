package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which pieces of a listing a read of some prefixes needs: all that can hold them, and the folders above them. */
class PieceSelectionTest {
    /** Pieces from "a", "docs", "docs/m", "docs/x/b", "docs/y", "e": each holds [its first, the next's first). */
    private static final List<String> FIRSTS = List.of("a", "docs", "docs/m", "docs/x/b", "docs/y", "e");

    @Test
    void aPrefixSelectsThePiecesWhoseRangesMeetItsRunAndThoseHoldingItsFolders() {
        // docs/x/y.txt lies in [docs/x/b, docs/y); its folders docs and docs/x in [docs, docs/m) and [docs/m, docs/x/b).
        assertThat(indexes(PieceSelection.of(FIRSTS, Set.of("docs/x/y.txt")))).containsExactly(1, 2, 3);
        // Paths from docs/x/ run from before docs/x/b (docs/x/a...) into it: both pieces.
        assertThat(indexes(PieceSelection.of(FIRSTS, Set.of("docs/x/")))).containsExactly(1, 2, 3);
        // Everything under docs/: from the piece of "docs" to the last that begins inside the run.
        assertThat(indexes(PieceSelection.of(FIRSTS, Set.of("docs/")))).containsExactly(1, 2, 3, 4);
        assertThat(indexes(PieceSelection.of(FIRSTS, Set.of("e/f", "a")))).containsExactly(0, 5);
        // Before the first piece: nothing holds it, not even its folder.
        assertThat(indexes(PieceSelection.of(List.of("m", "p"), Set.of("b/c")))).isEmpty();
        assertThat(indexes(PieceSelection.all(4))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void everyPieceThatHoldsAPathWithThePrefixOrAFolderAboveItIsSelected() {
        Random random = new Random(11);
        List<String> names = List.of("a", "b", "b.", "b-", "bb", "c", "docs", "x");
        for (int round = 0; round < 200; round++) {
            TreeSet<String> paths = new TreeSet<>();
            for (int i = 0; i < 40; i++) {
                paths.add(path(random, names, 1 + random.nextInt(4)));
            }
            List<String> sorted = List.copyOf(paths);
            List<String> firsts = new ArrayList<>();
            List<Integer> pieceOf = new ArrayList<>();
            for (int i = 0; i < sorted.size(); i++) {
                if (i == 0 || random.nextInt(4) == 0) {
                    firsts.add(sorted.get(i));
                }
                pieceOf.add(firsts.size() - 1);
            }
            String prefix = random.nextBoolean() ? path(random, names, 1 + random.nextInt(3)) + (random.nextBoolean() ? "/" : "")
                    : sorted.get(random.nextInt(sorted.size())).substring(0, 1);
            BitSet selected = PieceSelection.of(firsts, Set.of(prefix));
            for (int i = 0; i < sorted.size(); i++) {
                String p = sorted.get(i);
                boolean needed = p.startsWith(prefix) || prefix.startsWith(p + "/");
                if (needed) {
                    assertThat(selected.get(pieceOf.get(i))).as("%s (piece %d of %s) for prefix %s", p, pieceOf.get(i), firsts,
                            prefix).isTrue();
                }
            }
        }
    }

    private static String path(Random random, List<String> names, int depth) {
        StringBuilder path = new StringBuilder(names.get(random.nextInt(names.size())));
        for (int d = 1; d < depth; d++) {
            path.append('/').append(names.get(random.nextInt(names.size())));
        }
        return path.toString();
    }

    private static List<Integer> indexes(BitSet set) {
        return set.stream().boxed().toList();
    }
}
