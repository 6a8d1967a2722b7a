package io.backuprouter.repository;

import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * An archive's plaintext read as a zip stream. commons-compress decodes zstd entries with zstd-jni's
 * ZstdInputStream, whose finalizer closes what it reads from: a finished entry's decoder, collected
 * later, closed the archive's stream under a later entry ("Stream closed", now and then). This one's
 * decoder has no finalizer and cannot close the archive's stream.
 */
final class ZipStream extends ZipArchiveInputStream {
    ZipStream(InputStream in) {
        super(in, "UTF-8", true, true);
    }

    @Override
    protected InputStream createZstdInputStream(InputStream in) throws IOException {
        return new com.github.luben.zstd.ZstdInputStreamNoFinalizer(org.apache.commons.io.input.CloseShieldInputStream.wrap(in));
    }

    /** A zstd decoder for one entry read alone: no finalizer either. */
    static InputStream zstd(InputStream in) throws IOException {
        return new com.github.luben.zstd.ZstdInputStreamNoFinalizer(in);
    }
}
