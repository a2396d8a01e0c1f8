package io.pairdb.app;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.CoordinatorIds;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This coordinator's id in vector clocks: the configured one, or one leased from the pool in
 * PostgreSQL (lowest free {@code coord-N}) and renewed while the coordinator runs, so rolling
 * restarts reuse a few stable ids instead of adding an entry to every clock.
 */
public final class CoordinatorIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorIdentity.class);

    private final String id;
    private final Optional<CoordinatorIds> pool;
    private final String instance;
    private final Duration lease;

    private CoordinatorIdentity(String id, Optional<CoordinatorIds> pool, String instance, Duration lease) {
        this.id = id;
        this.pool = pool;
        this.instance = instance;
        this.lease = lease;
    }

    static CoordinatorIdentity configured(String id) {
        return new CoordinatorIdentity(id, Optional.empty(), id, Duration.ZERO);
    }

    static CoordinatorIdentity leased(CoordinatorIds pool, String host, Duration lease) {
        // the instance name only has to be unique among running coordinators
        String instance = host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        String id = pool.claim(instance, lease);
        LOG.info("coordinator id {} leased from the pool (instance {})", id, instance);
        return new CoordinatorIdentity(id, Optional.of(pool), instance, lease);
    }

    public String id() {
        return id;
    }

    public boolean isLeased() {
        return pool.isPresent();
    }

    Duration lease() {
        return lease;
    }

    /** Extends the lease; a lease taken over by another instance is an operator's problem, said loudly. */
    void renew() {
        pool.ifPresent(p -> {
            try {
                if (p.renew(id, instance, lease) == CoordinatorIds.Renewal.LOST) {
                    LOG.error("coordinator id {} was taken over by another instance after this one missed its lease "
                            + "renewals; restart this coordinator so it claims a fresh id", id);
                }
            } catch (PairDbException e) {
                LOG.warn("could not renew the lease on coordinator id {}: {}", id, e.getMessage());
            }
        });
    }

    /** Hands the id back so the next instance (a rolling restart) takes it at once. */
    void release() {
        pool.ifPresent(p -> {
            try {
                p.release(id, instance);
            } catch (PairDbException e) {
                LOG.warn("could not release coordinator id {}; it frees itself when the lease runs out: {}", id,
                        e.getMessage());
            }
        });
    }
}
