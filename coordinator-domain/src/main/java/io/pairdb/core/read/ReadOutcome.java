package io.pairdb.core.read;

import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.topology.ClusterTopology;
import io.pairdb.core.version.Version;

/** How a read ended. */
public sealed interface ReadOutcome {
    /** The resolved version (never a tombstone) and how many replicas answered. */
    record Found(Version version, int replicaCount) implements ReadOutcome {
    }

    /** No replica holds a live value: never written, or deleted (a tombstone won). */
    record NotFound(String key, int replicaCount) implements ReadOutcome {
    }

    record TenantNotFound(TenantId tenant) implements ReadOutcome {
    }

    /** Too few replicas alive to try. */
    record Unavailable(int required, int alive) implements ReadOutcome {
    }

    /** Replicas failed so the required answers could not be reached. */
    record QuorumNotReached(int required, int answered, int failed) implements ReadOutcome {
    }

    /** The deadline passed before enough replicas answered. */
    record TimedOut(int required, int answered) implements ReadOutcome {
    }

    /** This coordinator could not confirm lately that its ring is current; no replica was asked. */
    record TopologyStale(ClusterTopology.Freshness.Stale stale) implements ReadOutcome {
    }
}
