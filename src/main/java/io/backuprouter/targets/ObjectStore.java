package io.backuprouter.targets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a target keeps objects: an S3 bucket or a local folder. Keys are relative to the
 * target's root path, {@code /}-separated, without a leading slash, and never contain {@code ..}
 * segments.
 *
 * <p>Contracts every implementation keeps (the {@code ObjectStoreContract} suite checks them):
 * <ul>
 *   <li>{@link #put} is atomic: readers see the whole new object or nothing of it; a failed put
 *       leaves no object under the key. Putting the same key again replaces it (idempotent).</li>
 *   <li>{@link #get} of a missing key throws {@link NoSuchObjectException}, whole or ranged.</li>
 *   <li>{@link #get(String, long, long)} fetches only the range asked for, never the rest of the object.</li>
 *   <li>{@link #list} returns every object under the prefix, sorted by key, however many there
 *       are (it pages); it never returns temporary or half-written objects.</li>
 *   <li>{@link #delete} of a missing key succeeds (idempotent).</li>
 *   <li>Failures are {@link IOException}s whose message names the target and the key.</li>
 * </ul>
 */
public interface ObjectStore extends AutoCloseable {

    /** The target's name. */
    String name();

    /** Stores a file's content under the key; large files go in parallel parts. */
    void put(String key, Path file) throws IOException;

    /** Stores a small content held in memory (a manifest, a probe). */
    void put(String key, byte[] content) throws IOException;

    /** Opens the object for reading; the caller closes the stream. */
    InputStream get(String key) throws IOException;

    /**
     * Opens the bytes {@code [offset, offset + length)} of the object for reading, fetching only those;
     * the caller closes the stream. The stream gives exactly {@code length} bytes, fewer only when the
     * object ends first:
     * <ul>
     *   <li>a range that crosses the object's end gives the bytes from {@code offset} to the end;</li>
     *   <li>a range that starts at or past the end gives an empty stream, not an error;</li>
     *   <li>a {@code length} of 0 gives an empty stream;</li>
     *   <li>a {@code length} so large that {@code offset + length} overflows reads to the end.</li>
     * </ul>
     * A missing key throws {@link NoSuchObjectException} as for {@link #get(String)}, whatever the
     * range (length 0 and past the end included).
     *
     * @throws IllegalArgumentException when {@code offset} or {@code length} is negative
     */
    InputStream get(String key, long offset, long length) throws IOException;

    /** The object's size and time, or empty when it does not exist. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /** Every object whose key starts with the prefix ({@code ""} for all), sorted by key. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /** Removes the object; succeeds when it is already gone. */
    void delete(String key) throws IOException;

    /**
     * Removes what interrupted puts left under the prefix and started before {@code before}
     * (incomplete multipart uploads, temporary files), which would otherwise cost space forever.
     * Never touches complete objects. Returns how many it removed: none on a server that cannot
     * list them (it says so once per target).
     */
    int removeIncompleteUploads(String prefix, java.time.Instant before) throws IOException;

    @Override
    void close();
}
