package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.storage.*}: what the coordinator assumes of every storage node. Every key also reads
 * from its environment variable (PAIRDB_STORAGE_…).
 */
@ConfigurationProperties("pairdb.storage")
public class StorageProperties {
    /**
     * The shortest tombstone gc grace of the storage nodes (each reports its own in {@code Health});
     * hints and cleanups must be done well within it, and a node reporting less is refused at add.
     */
    private Duration tombstoneGcGrace = Duration.ofDays(10);

    public Duration getTombstoneGcGrace() {
        return tombstoneGcGrace;
    }

    public void setTombstoneGcGrace(Duration tombstoneGcGrace) {
        this.tombstoneGcGrace = tombstoneGcGrace;
    }
}
