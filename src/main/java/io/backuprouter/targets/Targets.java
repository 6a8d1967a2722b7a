package io.backuprouter.targets;

import io.backuprouter.config.TargetSettings;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The configured targets, each opened as an {@link ObjectStore}. Closing closes every store. */
public final class Targets implements AutoCloseable {
    private final Map<String, TargetSettings> settings;
    private final Map<String, ObjectStore> stores = new LinkedHashMap<>();

    public Targets(Map<String, TargetSettings> settings) {
        this.settings = settings;
        settings.values().forEach(t -> stores.put(t.name(), open(t)));
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

    public Map<String, ObjectStore> stores() {
        return stores;
    }

    @Override
    public void close() {
        stores.values().forEach(ObjectStore::close);
    }
}
