package io.backuprouter.mirror;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A source GET fed to a streamed PUT. Closed after it was read to its end, its connection goes
 * back to the pool; closed before (the PUT failed, or is retried), it is aborted, so that closing
 * does not download the rest of the object (up to {@link MirrorPass#STREAMED_PUT_MAX}) only to discard it.
 */
final class SourceBody extends FilterInputStream {
    private final long length;
    private long read;
    private boolean closed;
    /** Whether it was aborted rather than closed (for tests). */
    boolean aborted;

    SourceBody(InputStream in, long length) {
        super(in);
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            read++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        int n = super.read(buffer, offset, count);
        if (n > 0) {
            read += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        read += skipped;
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (read < length && in instanceof software.amazon.awssdk.http.Abortable abortable) {
            abortable.abort();
            aborted = true;
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // the upload's outcome is what counts
        }
    }
}
