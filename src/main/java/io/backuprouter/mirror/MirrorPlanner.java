package io.backuprouter.mirror;

import static io.backuprouter.mirror.MirrorPass.isMd5;
import static io.backuprouter.mirror.MirrorPass.unquote;

import io.backuprouter.config.MirrorSettings;
import io.backuprouter.files.PathFilter;
import io.backuprouter.targets.ObjectAttributes;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.S3Store;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a pass: lists both sides below the mirror's prefixes, applies its filters, and decides per
 * object (new, changed, unchanged, extra); see {@link MirrorPass} for when an object is unchanged.
 * Probe objects ({@link OverlapProbe}) are neither copied nor deleted.
 */
final class MirrorPlanner {
    private final MirrorSettings mirror;
    private final S3Store source;
    private final S3Store destination;
    private final OverlapProbe probe;

    MirrorPlanner(MirrorSettings mirror, S3Store source, S3Store destination, OverlapProbe probe) {
        this.mirror = mirror;
        this.source = source;
        this.destination = destination;
        this.probe = probe;
    }

    /** See {@link MirrorPass#plan()}. */
    MirrorPass.Plan plan() throws IOException {
        probe.refuseOneStorage();
        PathFilter filter = new PathFilter(mirror.includes(), mirror.excludes(), false);
        Map<String, ObjectInfo> from = new LinkedHashMap<>();
        for (ObjectInfo object : source.list(mirror.fromPrefix())) {
            String relative = object.key().substring(mirror.fromPrefix().length());
            if (!relative.isEmpty() && !OverlapProbe.isProbe(relative) && filter.includesFile(relative)) {
                from.put(relative, object);
            }
        }
        Map<String, ObjectInfo> to = new HashMap<>();
        for (ObjectInfo object : destination.list(mirror.toPrefix())) {
            if (!OverlapProbe.isProbe(object.key())) {
                to.put(object.key().substring(mirror.toPrefix().length()), object);
            }
        }
        List<ObjectInfo> copy = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, ObjectInfo> entry : from.entrySet()) {
            ObjectInfo there = to.get(entry.getKey());
            if (there != null && sameContent(entry.getValue(), there)) {
                unchanged++;
            } else {
                copy.add(entry.getValue());
            }
        }
        List<ObjectInfo> delete = new ArrayList<>();
        // The ceiling is a share of what the mirror keeps there: objects its filters leave out would
        // otherwise dilute it until emptying everything the mirror keeps passed as a small share.
        int kept = 0;
        for (Map.Entry<String, ObjectInfo> entry : to.entrySet()) {
            if (filter.includesFile(entry.getKey())) {
                kept++;
                if (mirror.sync() && !from.containsKey(entry.getKey())) {
                    delete.add(entry.getValue());
                }
            }
        }
        return new MirrorPass.Plan(copy, unchanged, delete, kept);
    }

    private boolean sameContent(ObjectInfo from, ObjectInfo to) throws IOException {
        if (from.size() != to.size()) {
            return false;
        }
        String fromTag = unquote(from.etag());
        String toTag = unquote(to.etag());
        if (isMd5(fromTag) && fromTag.equalsIgnoreCase(toTag)) {
            return true;
        }
        ObjectAttributes copy = destination.attributes(to.key()).orElse(null);
        String recorded = copy == null ? null : copy.metadata().get(MirrorPass.SOURCE_ETAG);
        if (recorded == null || !recorded.equals(fromTag)) {
            return false;
        }
        // The copy names this source version. Where both ETags are their contents' MD5s they must agree as
        // well (they do not, or the test above held): a copy that arrived damaged, on a server that did not
        // check its Content-MD5, and that a crash kept from being removed, is copied again. Only then is
        // the source asked whether its ETag is an MD5 (SSE-KMS ETags look like one).
        if (copy.etagIsMd5() && isMd5(fromTag) && isMd5(toTag)) {
            return !source.attributes(from.key()).map(ObjectAttributes::etagIsMd5).orElse(false);
        }
        return true;
    }
}
