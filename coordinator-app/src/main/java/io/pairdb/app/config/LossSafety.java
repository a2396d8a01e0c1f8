package io.pairdb.app.config;

import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings that each read fine but together let a topology change lose an acknowledged write or
 * bring a deleted key back. Checked at start, after {@link ConfigurationCheck} read every value;
 * the first rule broken stops start-up with a {@link ConfigurationError} naming the setting to change.
 */
final class LossSafety {
    private LossSafety() {
    }

    static void verify(PropertyResolver c) {
        CoordinatorProperties coordinator = new CoordinatorProperties();
        TopologyChangeProperties changes = new TopologyChangeProperties();
        HintsProperties hints = new HintsProperties();
        CleanupProperties cleanup = new CleanupProperties();
        StorageProperties storage = new StorageProperties();
        RepairProperties repair = new RepairProperties();
        Duration writeTimeout = value(c, "pairdb.coordinator.write-timeout", coordinator.getWriteTimeout());
        Duration heartbeat = value(c, "pairdb.topology-changes.heartbeat-interval", changes.getHeartbeatInterval());
        Duration staleAfter = value(c, "pairdb.topology-changes.stale-after", changes.getStaleAfter());
        Duration liveness = value(c, "pairdb.topology-changes.liveness-timeout", changes.getLivenessTimeout());
        Duration epochWait = value(c, "pairdb.topology-changes.epoch-wait-timeout", changes.getEpochWaitTimeout());
        Duration settle = value(c, "pairdb.topology-changes.settle-delay", changes.getSettleDelay());
        Duration lease = value(c, "pairdb.topology-changes.lease", changes.getLease());
        Duration streamStorage = value(c, "pairdb.topology-changes.storage-timeout", changes.getStorageTimeout());
        Duration hintTtl = value(c, "pairdb.hints.ttl", hints.getTtl());
        Duration idempotencyTtl = value(c, "pairdb.coordinator.idempotency-ttl", coordinator.getIdempotencyTtl());
        Duration cleanupGrace = value(c, "pairdb.cleanup.grace-period", cleanup.getGracePeriod());
        Duration gcGrace = value(c, "pairdb.storage.tombstone-gc-grace", storage.getTombstoneGcGrace());
        Duration repairPeriod = value(c, "pairdb.repair.period", repair.getPeriod());

        require(staleAfter.compareTo(heartbeat) > 0, "pairdb.topology-changes.stale-after", staleAfter,
                "must be longer than pairdb.topology-changes.heartbeat-interval (" + heartbeat
                        + "), or a coordinator refuses requests between two heartbeats");
        require(staleAfter.compareTo(liveness) < 0, "pairdb.topology-changes.stale-after", staleAfter,
                "must be shorter than pairdb.topology-changes.liveness-timeout (" + liveness + "): a coordinator cut off "
                        + "from PostgreSQL must stop serving before the others stop waiting for it");
        require(epochWait.compareTo(liveness) > 0, "pairdb.topology-changes.epoch-wait-timeout", epochWait,
                "must be longer than pairdb.topology-changes.liveness-timeout (" + liveness + "), or a change fails "
                        + "before a silent coordinator stops being waited for");
        require(settle.compareTo(writeTimeout) >= 0, "pairdb.topology-changes.settle-delay", settle,
                "must be at least pairdb.coordinator.write-timeout (" + writeTimeout + "): a write begun on the "
                        + "previous ring epoch may still land on the old replicas only after streaming started");
        require(lease.compareTo(streamStorage.multipliedBy(2)) >= 0, "pairdb.topology-changes.lease", lease,
                "must be at least twice pairdb.topology-changes.storage-timeout (" + streamStorage + "): a driver "
                        + "writes a batch only while its lease outlasts the write, and renews it every third of it");
        require(hintTtl.compareTo(gcGrace) < 0, "pairdb.hints.ttl", hintTtl,
                "must be shorter than pairdb.storage.tombstone-gc-grace (" + gcGrace + "): a hint older than the "
                        + "nodes' tombstones can bring a deleted key back");
        require(idempotencyTtl.plus(hintTtl).compareTo(gcGrace) < 0, "pairdb.coordinator.idempotency-ttl", idempotencyTtl,
                "plus pairdb.hints.ttl (" + hintTtl + ") must be shorter than pairdb.storage.tombstone-gc-grace ("
                        + gcGrace + "): a retry writes again the version a failed write may have landed with for as "
                        + "long as its key is kept, and a hint of it may wait that much longer; a version that old can "
                        + "bring a deleted key back once the nodes purged the delete's tombstone");
        require(cleanupGrace.multipliedBy(2).compareTo(gcGrace) <= 0, "pairdb.cleanup.grace-period", cleanupGrace,
                "must be at most half of pairdb.storage.tombstone-gc-grace (" + gcGrace + "): a range must be "
                        + "verified and cleaned up, retries included, while the new replicas still hold the tombstones "
                        + "of keys deleted since");
        require(repairPeriod.isZero() || repairPeriod.compareTo(gcGrace) < 0, "pairdb.repair.period", repairPeriod,
                "must be shorter than pairdb.storage.tombstone-gc-grace (" + gcGrace + "), or 0 to turn scheduled "
                        + "repair off: a replica that missed a delete must get the tombstone before the others purge it, "
                        + "or the deleted key comes back");
    }

    private static Duration value(PropertyResolver c, String key, Duration fallback) {
        Optional<Duration> set = c.getProperty(key, Duration.class);
        return set.orElse(fallback);
    }

    private static void require(boolean holds, String key, Duration value, String rule) {
        if (!holds) {
            throw new ConfigurationError(key, value + " " + rule);
        }
    }
}
