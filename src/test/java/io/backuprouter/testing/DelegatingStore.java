package io.backuprouter.testing;

import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An ObjectStore that forwards everything, for tests that change one behaviour. */
public class DelegatingStore implements ObjectStore {
    protected final ObjectStore delegate;

    public DelegatingStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void put(String key, Path file) throws IOException {
        delegate.put(key, file);
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        delegate.put(key, content);
    }

    @Override
    public InputStream get(String key) throws IOException {
        return delegate.get(key);
    }

    /** Forwards to the delegate's ranged get: a subclass that changes what {@link #get(String)} gives overrides this too. */
    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        return delegate.get(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return delegate.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public int removeIncompleteUploads(String prefix, Instant before) throws IOException {
        return delegate.removeIncompleteUploads(prefix, before);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
