package io.backuprouter.repository;

import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * An archive's plaintext read as a zip stream. commons-compress decodes zstd entries with zstd-jni's
 * ZstdInputStream, whose finalizer closes what it reads from: a finished entry's decoder, collected
 * later, closed the archive's stream under a later entry ("Stream closed", now and then). This one's
 * decoder has no finalizer and cannot close the archive's stream; and since commons-compress never
 * closes an entry's decoder (its native memory would then stay until the process ends: a restore of
 * thousands of entries grew by hundreds of MiB), each is closed when the next entry is read, and at
 * the end. Each decoder's 128 KiB input buffer comes from zstd-jni's recycling pool and goes back
 * when it is closed: a buffer made for each of 100,000 small entries was 12 GiB of garbage.
 */
final class ZipStream extends ZipArchiveInputStream {
    private InputStream decoder;
    private int opened;
    private int closed;

    ZipStream(InputStream in) {
        super(in, "UTF-8", true, true);
    }

    @Override
    protected InputStream createZstdInputStream(InputStream in) throws IOException {
        closeDecoder();
        decoder = new com.github.luben.zstd.ZstdInputStreamNoFinalizer(
                org.apache.commons.io.input.CloseShieldInputStream.wrap(in), com.github.luben.zstd.RecyclingBufferPool.INSTANCE);
        opened++;
        return decoder;
    }

    @Override
    public org.apache.commons.compress.archivers.zip.ZipArchiveEntry getNextZipEntry() throws IOException {
        org.apache.commons.compress.archivers.zip.ZipArchiveEntry next = super.getNextZipEntry();
        closeDecoderUnlessNew(next);
        return next;
    }

    /** The decoder of the entry before is done once the next entry is read (the stream has moved past it). */
    private void closeDecoderUnlessNew(org.apache.commons.compress.archivers.zip.ZipArchiveEntry next) throws IOException {
        if (next == null || next.getMethod() != 93) {
            closeDecoder();
        }
    }

    private void closeDecoder() throws IOException {
        if (decoder != null) {
            InputStream done = decoder;
            decoder = null;
            closed++;
            done.close();
        }
    }

    /** How many entry decoders are open (their native memory held): at most one, and none once closed. */
    int openDecoders() {
        return opened - closed;
    }

    @Override
    public void close() throws IOException {
        try {
            closeDecoder();
        } finally {
            super.close();
        }
    }

    /** A zstd decoder for one entry read alone: no finalizer either. */
    static InputStream zstd(InputStream in) throws IOException {
        return new com.github.luben.zstd.ZstdInputStreamNoFinalizer(in, com.github.luben.zstd.RecyclingBufferPool.INSTANCE);
    }
}
