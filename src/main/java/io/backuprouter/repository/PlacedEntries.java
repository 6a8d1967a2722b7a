package io.backuprouter.repository;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeRanges;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads chosen entries of an archive alone, each from the place its records give ({@code offset},
 * {@code csize}): only the age header and the 64 KiB chunks that hold an entry are fetched and
 * decrypted (docs/format.md, "Reading one file by ranges"). The local header found there must be the entry's;
 * the content is then checked by {@link ArchiveReader}, as when the archive is read whole.
 */
final class PlacedEntries {
    /** Room read past an entry's name for its local header's extra fields (ours are a few dozen bytes). */
    private static final int EXTRA_ROOM = 512;
    private static final int LOCAL_HEADER = 30;
    private static final int SIGNATURE = 0x04034b50;

    private final JobRepository repository;
    private final AgeIdentity identity;
    private final ArchiveReader reader;

    PlacedEntries(JobRepository repository, AgeIdentity identity, ArchiveReader reader) {
        this.repository = repository;
        this.identity = identity;
        this.reader = reader;
    }

    /** What a ranged read of these entries costs in fetched bytes, about: their data, headers and two chunks each. */
    static long cost(Map<String, List<FileEntry>> wanted) {
        return 4096 + wanted.values().stream().mapToLong(records -> records.get(0).csize() + LOCAL_HEADER + EXTRA_ROOM
                + 2 * 65_552L).sum();
    }

    Set<String> read(ArchiveInfo archive, Map<String, List<FileEntry>> wanted, ArchiveReader.Sink sink) throws IOException {
        String key = archive.key();
        Set<String> lacking = new LinkedHashSet<>();
        try (AgeRanges ranges = open(archive)) {
            List<Map.Entry<String, List<FileEntry>>> inOrder = new ArrayList<>(wanted.entrySet());
            inOrder.sort(Comparator.comparingLong(e -> e.getValue().get(0).offset()));
            for (Map.Entry<String, List<FileEntry>> entry : inOrder) {
                Map<Boolean, List<FileEntry>> byPlace = new LinkedHashMap<>();
                FileEntry first = entry.getValue().get(0);
                // Records of one entry that disagree on its place are read from the place of the first; the others fail.
                entry.getValue().forEach(r -> byPlace.computeIfAbsent(r.offset().equals(first.offset())
                        && r.csize().equals(first.csize()), b -> new ArrayList<>()).add(r));
                String problem = readOne(ranges, key, entry.getKey(), byPlace.get(true), sink);
                List<FileEntry> failed = new ArrayList<>(byPlace.getOrDefault(false, List.of()));
                if (problem != null) {
                    failed.addAll(byPlace.get(true));
                }
                if (!failed.isEmpty()) {
                    Map<FileEntry, String> why = new LinkedHashMap<>();
                    failed.forEach(r -> why.put(r, problem != null ? problem : "entry " + entry.getKey()
                            + " is recorded at two places in the manifest"));
                    reader.report(entry.getKey(), why, sink);
                }
            }
        } catch (Age.WrongKeyException e) {
            throw new ArchiveReader.ArchiveUnreadable(ArchiveReader.Failure.WRONG_KEY, key, "cannot be decrypted: "
                    + e.getMessage(), e);
        } catch (ArchiveReader.ArchiveUnreadable | ArchiveReader.SinkFailed e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ArchiveReader.ArchiveUnreadable(ArchiveReader.Failure.DAMAGED, key, "is damaged or unreadable ("
                    + e.getMessage() + ")", e);
        }
        return lacking;
    }

    private AgeRanges open(ArchiveInfo archive) throws IOException {
        return AgeRanges.open((offset, length) -> repository.get(archive.key(), offset, length), archive.size(), identity);
    }

    /**
     * Reads one entry from its recorded place and gives it to the checks; returns why its records
     * cannot be restored from there (no such entry at that place), or null.
     */
    private String readOne(AgeRanges ranges, String key, String name, List<FileEntry> records, ArchiveReader.Sink sink)
            throws IOException {
        FileEntry first = records.get(0);
        long offset = first.offset();
        long csize = first.csize();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (offset < 0 || csize < 0 || offset + LOCAL_HEADER + nameBytes.length + csize > ranges.plaintextSize()) {
            return "entry " + name + " is recorded at " + offset + " (+" + csize + " bytes), beyond archive " + key;
        }
        long length = Math.min(ranges.plaintextSize() - offset, LOCAL_HEADER + nameBytes.length + EXTRA_ROOM + csize);
        try (InputStream in = new BufferedInputStream(ranges.read(offset, length), 64 * 1024)) {
            byte[] header = in.readNBytes(LOCAL_HEADER);
            String problem = headerProblem(header, nameBytes, csize, name);
            if (problem != null) {
                return problem;
            }
            int nameLength = u16(header, 26);
            int extraLength = u16(header, 28);
            if (LOCAL_HEADER + nameLength + extraLength + csize > length) {
                return "entry " + name + " has " + extraLength + " bytes of extra fields, more than a backup-router archive holds";
            }
            if (!java.util.Arrays.equals(in.readNBytes(nameLength), nameBytes)) {
                return "the entry at " + offset + " of archive " + key + " is not " + name;
            }
            in.skipNBytes(extraLength);
            Counted data = new Counted(in, csize);
            try (InputStream content = content(u16(header, 8), data)) {
                if (content == null) {
                    return "entry " + name + " is compressed with zip method " + u16(header, 8)
                            + ", which this version does not read";
                }
                reader.readPlacedEntry(content, new ArchiveReader.Used(data::count, u16(header, 8)), name, records, key, sink,
                        offset);
            }
        }
        return null;
    }

    /** Why the local header is not the recorded entry's, or null. */
    private static String headerProblem(byte[] header, byte[] nameBytes, long csize, String name) {
        if (header.length < LOCAL_HEADER || u32(header, 0) != SIGNATURE) {
            return "there is no zip entry at the place the manifest records for " + name;
        }
        boolean descriptor = (u16(header, 6) & 0x08) != 0;
        long headerCsize = u32(header, 18);
        if (!descriptor && headerCsize != 0xFFFFFFFFL && headerCsize != csize) {
            return "entry " + name + " holds " + headerCsize + " compressed bytes where the manifest records " + csize;
        }
        return u16(header, 26) == nameBytes.length ? null
                : "the entry at the place the manifest records for " + name + " has another name";
    }

    private static InputStream content(int method, InputStream data) throws IOException {
        return switch (method) {
            case 0 -> data;
            case 8 -> new org.apache.commons.compress.compressors.deflate.DeflateCompressorInputStream(data, rawDeflate());
            case 93 -> ZipStream.zstd(data);
            default -> null;
        };
    }

    private static org.apache.commons.compress.compressors.deflate.DeflateParameters rawDeflate() {
        org.apache.commons.compress.compressors.deflate.DeflateParameters raw =
                new org.apache.commons.compress.compressors.deflate.DeflateParameters();
        raw.setWithZlibHeader(false);
        return raw;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xFFFFFFFFL;
    }

    /** At most {@code limit} bytes of the stream, counted (the expansion bound needs the compressed bytes used). */
    private static final class Counted extends FilterInputStream {
        private final long limit;
        private long count;

        Counted(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            if (count >= limit) {
                return -1;
            }
            int b = in.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (count >= limit) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, limit - count));
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public void close() {
            // the ranged stream is closed by its owner
        }
    }
}
