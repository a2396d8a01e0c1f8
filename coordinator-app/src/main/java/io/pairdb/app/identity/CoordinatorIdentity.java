package io.pairdb.app.identity;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.Clock;
import io.pairdb.core.port.CoordinatorIds;
import io.pairdb.core.version.CoordinatorIdLease;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This coordinator's id in vector clocks: the configured one, or one leased from the pool in
 * PostgreSQL (lowest free {@code coord-N}) and renewed while the coordinator runs, so rolling
 * restarts reuse a few stable ids instead of adding an entry to every clock.
 *
 * <p>A leased id is only used for clocks while its lease lasts ({@link #clockLease()}): counted
 * from when each claim or renewal was requested, so it runs out here no later than in the pool.
 * When renewals fail for longer than the lease, writes are refused until one succeeds; when the
 * pool says another instance took the id over, this one claims a fresh id for its clocks.
 */
public final class CoordinatorIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorIdentity.class);

    private final String id;
    private final CoordinatorIdLease clockLease;
    private final Optional<CoordinatorIds> pool;
    private final String instance;
    private final Duration lease;
    private final Clock clock;

    private CoordinatorIdentity(String id, CoordinatorIdLease clockLease, Optional<CoordinatorIds> pool,
                                String instance, Duration lease, Clock clock) {
        this.id = id;
        this.clockLease = clockLease;
        this.pool = pool;
        this.instance = instance;
        this.lease = lease;
        this.clock = clock;
    }

    public static CoordinatorIdentity configured(String id) {
        return new CoordinatorIdentity(id, CoordinatorIdLease.fixed(id), Optional.empty(), id, Duration.ZERO,
                System::currentTimeMillis);
    }

    public static CoordinatorIdentity leased(CoordinatorIds pool, String host, Duration lease, Clock clock) {
        // the instance name only has to be unique among running coordinators
        String instance = host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        long requested = clock.nowMillis();
        String id = pool.claim(instance, lease);
        LOG.info("coordinator id {} leased from the pool (instance {})", id, instance);
        return new CoordinatorIdentity(id, CoordinatorIdLease.leased(id, requested + lease.toMillis()), Optional.of(pool),
                instance, lease, clock);
    }

    /**
     * The id this coordinator started with: its name among coordinators (heartbeats, change
     * drivers, hint claims). Clocks use {@link #clockLease()}, which may move to another id.
     */
    public String id() {
        return id;
    }

    /** The id clock entries are issued under, while it is held. */
    public CoordinatorIdLease clockLease() {
        return clockLease;
    }

    public boolean isLeased() {
        return pool.isPresent();
    }

    Duration lease() {
        return lease;
    }

    /**
     * Extends the lease. A renewal that fails leaves the lease to run out (writes are refused from
     * then until a renewal succeeds); a lease another instance took over is replaced by a fresh id.
     */
    void renew() {
        pool.ifPresent(p -> {
            String current = clockLease.lastId();
            long requested = clock.nowMillis();
            try {
                switch (p.renew(current, instance, lease)) {
                    case RENEWED -> clockLease.heldUntil(current, requested + lease.toMillis());
                    case LOST -> {
                        clockLease.lost();
                        LOG.error("coordinator id {} was taken over by another instance after this one missed its "
                                + "lease renewals; writes are refused until a fresh id is leased", current);
                        long claimed = clock.nowMillis();
                        String fresh = p.claim(instance, lease);
                        clockLease.heldUntil(fresh, claimed + lease.toMillis());
                        LOG.warn("clock entries are issued under coordinator id {} from now on (this coordinator is "
                                + "still named {} elsewhere; restart it to use one id everywhere)", fresh, id);
                    }
                }
            } catch (PairDbException e) {
                LOG.warn("could not renew the lease on coordinator id {}: {}; if no renewal succeeds before the lease "
                        + "runs out, writes are refused until one does", current, e.getMessage());
            }
        });
    }

    /** Hands the id back so the next instance (a rolling restart) takes it at once. */
    public void release() {
        pool.ifPresent(p -> {
            for (String held : clockLease.lastId().equals(id) ? new String[] {id} : new String[] {clockLease.lastId(), id}) {
                try {
                    p.release(held, instance);
                } catch (PairDbException e) {
                    LOG.warn("could not release coordinator id {}; it frees itself when the lease runs out: {}", held,
                            e.getMessage());
                }
            }
        });
    }
}
