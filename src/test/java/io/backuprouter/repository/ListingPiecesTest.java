package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.catalog.ListingPiece;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeEncryption;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The listing piece codec against docs/format.md, "Listing pieces". */
class ListingPiecesTest {
    private static final Instant TIME = Instant.parse("2026-12-01T00:00:00Z");
    private static final String KEY = "recipients:" + "5e".repeat(32);
    private static final ArchiveInfo ARCHIVE = new ArchiveInfo("0a".repeat(16), ArchiveInfo.keyOf("0a".repeat(16)), 100, 1);
    private final AgeKeys.AgeKeyPair keys = AgeKeys.generate();

    static FileEntry record(String path, Instant mtime) {
        return new FileEntry(path, FileEntry.FILE, 1, mtime, "0644", "ab".repeat(32), ARCHIVE.id(), "e", null);
    }

    /** 20,000 records in path order (zero-padded names sort as they are numbered). */
    static List<FileEntry> many(int count) {
        return IntStream.range(0, count).mapToObj(i -> record(String.format("d%03d/f%05d.txt", i / 100, i), TIME)).toList();
    }

    @Test
    void aPieceEndsAfterAPathWhoseSha256BeginsWithNineZeroBits() {
        // docs/format.md's worked example: 00 48 27 f5... begins with 0000 0000 0100 1000: nine zero bits.
        assertThat(ListingPieces.endsPiece("docs/note-974.md")).isTrue();
        // bd c5 05 c4... does not begin with a zero byte; 00 e9 03 88... has eight zero bits, not nine.
        assertThat(ListingPieces.endsPiece("docs/b.sh")).isFalse();
        assertThat(ListingPieces.endsPiece("docs/note-21.md")).isFalse();
        assertThat(IntStream.range(0, 20_000).filter(i -> ListingPieces.endsPiece("p" + i)).count())
                .as("about one path in 512").isBetween(20L, 60L);
    }

    @Test
    void changingOrAddingOneRecordAmong20000ChangesOnlyThePieceThatHoldsIt() {
        List<FileEntry> records = many(20_000);
        List<ListingPieces.Encoded> before = ListingPieces.encode(records, List.of(ARCHIVE), KEY);
        assertThat(before.size()).isBetween(20, 80);
        assertThat(before).allMatch(p -> p.piece().files().size() < ListingPieces.MAX_RECORDS);

        List<FileEntry> changed = new ArrayList<>(records);
        changed.set(12_345, record(records.get(12_345).path(), TIME.plusSeconds(1)));
        assertOnlyTheHoldingPieceDiffers(before, ListingPieces.encode(changed, List.of(ARCHIVE), KEY), records.get(12_345).path());

        List<FileEntry> added = new ArrayList<>(records);
        String path = "d123/f12345a.txt";
        assertThat(ListingPieces.endsPiece(path)).isFalse();
        added.add(12_346, record(path, TIME));
        List<ListingPieces.Encoded> after = ListingPieces.encode(added, List.of(ARCHIVE), KEY);
        assertOnlyTheHoldingPieceDiffers(before, after, path);
        assertThat(after).hasSameSizeAs(before);
    }

    @Test
    void piecesOfAnEarlierSnapshotAreTakenWithTheirIdsWhereTheRecordsAreTheSameAndOnlyThere() {
        List<FileEntry> records = many(20_000);
        List<ListingPieces.Encoded> before = ListingPieces.encode(records, List.of(ARCHIVE), KEY);
        ListingPieces.Earlier earlier = new ListingPieces.Earlier(before.stream().map(ListingPieces.Encoded::listed).toList(),
                records, List.of(ARCHIVE), KEY);
        List<FileEntry> changed = new ArrayList<>(records);
        changed.set(12_345, record(records.get(12_345).path(), TIME.plusSeconds(1)));

        List<ListingPieces.Encoded> reused = ListingPieces.encode(changed, List.of(ARCHIVE), KEY, earlier);
        List<ListingPieces.Encoded> fresh = ListingPieces.encode(changed, List.of(ARCHIVE), KEY);

        assertThat(reused).extracting(ListingPieces.Encoded::id).containsExactlyElementsOf(
                fresh.stream().map(ListingPieces.Encoded::id).toList());
        List<FileEntry> addedAndRemoved = new ArrayList<>(changed);
        addedAndRemoved.remove(500);
        addedAndRemoved.add(7_000, record(changed.get(7_000).path() + "-new", TIME));
        addedAndRemoved.sort(java.util.Comparator.comparing(FileEntry::path));
        assertThat(ListingPieces.encode(addedAndRemoved, List.of(ARCHIVE), KEY, earlier))
                .as("the cut, taken from the earlier snapshot where it shows it, is the rule's")
                .extracting(ListingPieces.Encoded::id).containsExactlyElementsOf(ListingPieces.encode(addedAndRemoved,
                        List.of(ARCHIVE), KEY).stream().map(ListingPieces.Encoded::id).toList());
        for (int i = 0; i < reused.size(); i++) {
            assertThat(reused.get(i).json()).as("the text, made again where needed, is the same").isEqualTo(fresh.get(i).json());
        }
        assertThat(ListingPieces.encode(records, List.of(ARCHIVE), "recipients:" + "77".repeat(32), earlier))
                .as("another key: nothing is taken").extracting(ListingPieces.Encoded::id)
                .doesNotContainAnyElementsOf(before.stream().map(ListingPieces.Encoded::id).toList());
        ArchiveInfo recordedOtherwise = new ArchiveInfo(ARCHIVE.id(), ARCHIVE.key(), ARCHIVE.size() + 1, ARCHIVE.entries());
        assertThat(ListingPieces.encode(records, List.of(recordedOtherwise), KEY, earlier))
                .as("the archive recorded otherwise: nothing is taken").extracting(ListingPieces.Encoded::id)
                .doesNotContainAnyElementsOf(before.stream().map(ListingPieces.Encoded::id).toList());
    }

    @Test
    void anEarlierListingThatDoesNotFitItsRecordsIsNotTakenAndAWrongIdIsCaughtBeforeItIsStored() {
        List<FileEntry> records = many(3_000);
        List<ListingPieces.Encoded> before = ListingPieces.encode(records, List.of(ARCHIVE), KEY);
        List<ListedPiece> listing = new ArrayList<>(before.stream().map(ListingPieces.Encoded::listed).toList());
        ListedPiece first = listing.get(0);

        listing.set(0, new ListedPiece(first.piece(), first.first(), first.records() + 1)); // counts that do not add up
        List<ListingPieces.Encoded> miscounted = ListingPieces.encode(records, List.of(ARCHIVE), KEY,
                new ListingPieces.Earlier(listing, records, List.of(ARCHIVE), KEY));
        listing.set(0, new ListedPiece("ab".repeat(32), first.first(), first.records())); // a wrong id that fits
        List<ListingPieces.Encoded> wrongId = ListingPieces.encode(records, List.of(ARCHIVE), KEY,
                new ListingPieces.Earlier(listing, records, List.of(ARCHIVE), KEY));

        assertThat(miscounted).extracting(ListingPieces.Encoded::id).containsExactlyElementsOf(
                before.stream().map(ListingPieces.Encoded::id).toList());
        assertThat(wrongId.get(0).id()).isEqualTo("ab".repeat(32));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrongId.get(0).json())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not " + "ab".repeat(32));
    }

    private static void assertOnlyTheHoldingPieceDiffers(List<ListingPieces.Encoded> before, List<ListingPieces.Encoded> after,
                                                         String path) {
        Set<String> old = new HashSet<>(before.stream().map(ListingPieces.Encoded::id).toList());
        List<ListingPieces.Encoded> fresh = after.stream().filter(p -> !old.contains(p.id())).toList();
        assertThat(fresh).singleElement().satisfies(p -> assertThat(p.piece().files()).anyMatch(r -> r.path().equals(path)));
        Set<String> now = new HashSet<>(after.stream().map(ListingPieces.Encoded::id).toList());
        assertThat(before.stream().filter(p -> !now.contains(p.id()))).hasSize(1);
    }

    @Test
    void aRunWithoutABoundaryEndsAfter4096Records() {
        List<FileEntry> records = many(6_000).stream().filter(r -> !ListingPieces.endsPiece(r.path())).toList();

        List<List<FileEntry>> runs = ListingPieces.split(records);

        assertThat(runs.get(0)).hasSize(4096);
        assertThat(runs.get(1)).hasSize(records.size() - 4096);
    }

    @Test
    void theSameRecordsUnderAnotherKeyAreAnotherPieceSoThatNoSnapshotTakesAPieceItsKeyCannotRead() {
        List<FileEntry> records = many(10);

        List<ListingPieces.Encoded> mine = ListingPieces.encode(records, List.of(ARCHIVE), KEY);
        List<ListingPieces.Encoded> again = ListingPieces.encode(records, List.of(ARCHIVE), KEY);
        List<ListingPieces.Encoded> otherKey = ListingPieces.encode(records, List.of(ARCHIVE), "passphrase:20261207T000000.000Z-00000001");

        assertThat(again).extracting(ListingPieces.Encoded::id).isEqualTo(mine.stream().map(ListingPieces.Encoded::id).toList());
        assertThat(otherKey).extracting(ListingPieces.Encoded::id).doesNotContainAnyElementsOf(
                mine.stream().map(ListingPieces.Encoded::id).toList());
    }

    @Test
    void aPieceIsCompactJsonInDeclaredOrderNamedByItsSha256AndNamesOnlyItsArchivesSortedById() {
        ArchiveInfo other = new ArchiveInfo("ff".repeat(16), ArchiveInfo.keyOf("ff".repeat(16)), 7, 1);
        ArchiveInfo unused = new ArchiveInfo("cc".repeat(16), ArchiveInfo.keyOf("cc".repeat(16)), 7, 1);
        FileEntry second = new FileEntry("b", FileEntry.FILE, 1, TIME, "0644", "ab".repeat(32), other.id(), "e", 0L, 31L, null);

        ListingPieces.Encoded piece = ListingPieces.encode(List.of(record("a\n\"é", TIME), second), List.of(other, unused, ARCHIVE), KEY)
                .get(0);

        String json = new String(piece.json(), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"format\":\"backup-router/listing\",\"version\":2,\"encryptedTo\":\"" + KEY
                        + "\",\"archives\":[{\"id\":\"0a0a")
                .contains("\"files\":[{\"path\":\"a\\n\\\"é\",\"type\":\"file\",\"size\":1,\"mtime\":\"2026-12-01T00:00:00Z\","
                        + "\"mode\":\"0644\",\"sha256\":\"abab")
                .contains("\"entry\":\"e\",\"offset\":0,\"csize\":31}]}").doesNotContain(" ").doesNotContain("cccc");
        assertThat(piece.piece().archives()).extracting(ArchiveInfo::id).containsExactly(ARCHIVE.id(), other.id());
        String escapes = new String(ListingPieces.encode(List.of(record("x\u0001\b\t\u001f\u007f/\\\u00e9\u4e2d", TIME)),
                List.of(ARCHIVE), KEY).get(0).json(), StandardCharsets.UTF_8);
        assertThat(escapes).as("docs/format.md, the text").contains("\"path\":\"x\\u0001\\b\\t\\u001F\u007f/\\\\\u00e9\u4e2d\"");
        assertThat(piece.id()).isEqualTo(io.backuprouter.testing.ForgedBackups.sha(piece.json()));
        assertThat(piece.key()).isEqualTo("pieces/" + piece.id().substring(0, 2) + "/" + piece.id() + ".json.zst.age");
    }

    @Test
    void aStoredPieceReadsBackAndOneWhoseContentIsNotItsIdIsRefused() throws IOException {
        List<ListingPieces.Encoded> pieces = ListingPieces.encode(many(3_000), List.of(ARCHIVE), KEY);
        ListingPieces.Encoded first = pieces.get(0);
        ListingPieces.Encoded second = pieces.get(1);
        byte[] stored = ListingPieces.seal(first, encryption());

        ListingPiece read = ListingPieces.open(new ByteArrayInputStream(stored), identity(), first.id(), "t:job/" + first.key());
        assertThat(read).isEqualTo(first.piece());

        assertThatThrownBy(() -> ListingPieces.open(new ByteArrayInputStream(stored), identity(), second.id(),
                "t:job/" + second.key()))
                .hasMessage("t:job/" + second.key() + ": damaged: its content hashes to " + first.id() + ", not to the id "
                        + second.id() + " it is stored and listed under; it is not used");
    }

    @Test
    void aPieceThatExpandsPastTheBoundIsRefusedAsAZipBomb() throws IOException {
        byte[] bomb = sealed(plain -> {
            try (OutputStream zstd = new com.github.luben.zstd.ZstdOutputStream(plain, 1)) {
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 65; i++) {
                    zstd.write(zeros);
                }
            }
        });
        assertThat(bomb.length).isLessThan(64 * 1024);

        assertThatThrownBy(() -> ListingPieces.open(new ByteArrayInputStream(bomb), identity(), "00".repeat(32), "t:k"))
                .hasMessageStartingWith("t:k: refused: it expands to more than 67108864 bytes");
    }

    @Test
    void whatIsNotAPieceIsNamedForWhatItIs() throws IOException {
        byte[] notZstd = sealed(plain -> plain.write("{}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> ListingPieces.open(new ByteArrayInputStream(notZstd), identity(), "00".repeat(32), "t:k"))
                .hasMessageStartingWith("t:k: not a listing piece: its content is not zstd data");

        byte[] manifest = "{\"format\":\"backup-router/snapshot\",\"version\":2,\"files\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] stored = sealed(plain -> {
            try (OutputStream zstd = new com.github.luben.zstd.ZstdOutputStream(plain, 1)) {
                zstd.write(manifest);
            }
        });
        assertThatThrownBy(() -> ListingPieces.open(new ByteArrayInputStream(stored), identity(),
                io.backuprouter.testing.ForgedBackups.sha(manifest), "t:k"))
                .hasMessage("t:k: not a listing piece (format \"backup-router/snapshot\", version 2; this program reads"
                        + " backup-router/listing version 2)");
        byte[] garbage = sealed(plain -> plain.write(new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> ListingPieces.open(new ByteArrayInputStream(garbage), identity(), "00".repeat(32), "t:k"))
                .isInstanceOf(IOException.class).hasMessageStartingWith("t:k: ");
        byte[] damaged = ListingPieces.seal(ListingPieces.encode(many(3), List.of(ARCHIVE), KEY).get(0), encryption());
        damaged[damaged.length - 3] ^= 1;
        assertThatThrownBy(() -> ListingPieces.open(new ByteArrayInputStream(damaged), identity(), "00".repeat(32), "t:k"))
                .hasMessageStartingWith("t:k: the encrypted content is damaged or cut short");
    }

    private interface Writes {
        void to(OutputStream plain) throws IOException;
    }

    private byte[] sealed(Writes content) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream plain = Age.encrypt(stored, encryption())) {
            content.to(plain);
        }
        return stored.toByteArray();
    }

    private AgeEncryption encryption() {
        return AgeEncryption.toRecipients(List.of(keys.recipient()));
    }

    private AgeIdentity identity() throws IOException {
        return AgeIdentity.of(keys.identity(), "test");
    }
}
