package io.backuprouter.targets;

import io.backuprouter.config.TargetSettings;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configured targets, each opened as an {@link ObjectStore} when it is first used: a command
 * about one job does not pay for building clients of the targets it never touches. Closing closes
 * every store opened.
 */
public final class Targets implements AutoCloseable {
    private final Map<String, TargetSettings> settings;
    private final Map<String, ObjectStore> opened = new ConcurrentHashMap<>();
    private final Map<String, ObjectStore> stores = new LazyStores();

    public Targets(Map<String, TargetSettings> settings) {
        this.settings = settings;
    }

    /** Opens one target's store; no request is made until it is used. */
    public static ObjectStore open(TargetSettings target) {
        if (target.isFolder()) {
            return new FolderStore(target.name(), target.folder(), target.rootPath());
        }
        return new S3Store(target, S3Clients.build(target));
    }

    public Collection<TargetSettings> settings() {
        return settings.values();
    }

    public Optional<ObjectStore> store(String name) {
        return Optional.ofNullable(stores.get(name));
    }

    /**
     * Every configured target by name, in configuration order. Looking one up opens it; listing the
     * names does not.
     */
    public Map<String, ObjectStore> stores() {
        return stores;
    }

    /** The names of the targets opened so far. */
    public Set<String> opened() {
        return Set.copyOf(opened.keySet());
    }

    @Override
    public void close() {
        opened.values().forEach(ObjectStore::close);
    }

    private final class LazyStores extends AbstractMap<String, ObjectStore> {
        @Override
        public ObjectStore get(Object name) {
            TargetSettings target = settings.get(name);
            return target == null ? null : opened.computeIfAbsent(target.name(), n -> open(target));
        }

        @Override
        public boolean containsKey(Object name) {
            return settings.containsKey(name);
        }

        @Override
        public Set<String> keySet() {
            return java.util.Collections.unmodifiableSet(settings.keySet());
        }

        @Override
        public int size() {
            return settings.size();
        }

        @Override
        public Set<Entry<String, ObjectStore>> entrySet() {
            Map<String, ObjectStore> all = new LinkedHashMap<>();
            settings.keySet().forEach(name -> all.put(name, get(name)));
            return java.util.Collections.unmodifiableMap(all).entrySet();
        }
    }
}
