package io.backuprouter.camel;

import io.backuprouter.targets.TargetCheck;
import io.backuprouter.targets.Targets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every target (the {@code target-health} route calls it at start and then periodically)
 * and logs when a target becomes ready or stops working (and publishes it: {@code target_up}). A target that is down never stops the
 * router: its jobs wait and catch up when it returns.
 */
public final class TargetHealth {
    private static final Logger LOG = LoggerFactory.getLogger(TargetHealth.class);

    private final Targets targets;
    private final RouterMetrics metrics;
    private final Map<String, TargetCheck.Result> last = new ConcurrentHashMap<>();

    public TargetHealth(Targets targets, RouterMetrics metrics) {
        this.targets = targets;
        this.metrics = metrics;
    }

    /** Checks all targets; logs each one whose state changed since the last check. */
    public void checkAll() {
        for (var target : targets.settings()) {
            TargetCheck.Result result = TargetCheck.check(target, targets.store(target.name()).orElseThrow());
            TargetCheck.Result before = last.put(target.name(), result);
            metrics.targetChecked(target.name(), result.ok());
            if (before != null && before.ok() == result.ok()) {
                continue;
            }
            if (result.ok()) {
                LOG.info("Target {} ready: {} ({})", target.name(), result.location(), String.join(", ", result.passed()));
            } else {
                LOG.warn("Target {} NOT ready: {}: {}{}", target.name(), result.location(), result.failure(),
                        result.hint() == null ? "" : " (hint: " + result.hint() + ")");
            }
        }
    }

    /** The latest result per target. */
    public Map<String, TargetCheck.Result> results() {
        return Map.copyOf(last);
    }
}
