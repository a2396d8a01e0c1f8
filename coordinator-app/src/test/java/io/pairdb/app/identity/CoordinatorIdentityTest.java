package io.pairdb.app.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.PairDbException;
import io.pairdb.core.port.CoordinatorIds;
import io.pairdb.core.testing.InMemoryCoordinatorIds;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.version.ClockIssuer;
import io.pairdb.core.version.VectorClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A coordinator issues clocks under a pooled id only while it holds the id's lease. */
class CoordinatorIdentityTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final FlakyIds pool = new FlakyIds(new InMemoryCoordinatorIds(clock));
    private final CoordinatorIdentity identity = CoordinatorIdentity.leased(pool, "host", LEASE, clock);
    private final ClockIssuer issuer = new ClockIssuer(identity.clockLease(), clock, 10);

    @Test
    void aLeaseThatRanOutUnrenewedIssuesNothingUntilARenewalSucceeds() {
        assertThat(issuer.next(VectorClock.EMPTY)).isInstanceOf(ClockIssuer.Issue.Issued.class);

        pool.down = true;
        clock.advance(Duration.ofSeconds(20));
        identity.renew();
        assertThat(issuer.next(VectorClock.EMPTY)).as("within the lease a failed renewal changes nothing")
                .isInstanceOf(ClockIssuer.Issue.Issued.class);
        clock.advance(Duration.ofSeconds(10));

        assertThat(issuer.next(VectorClock.EMPTY)).isEqualTo(new ClockIssuer.Issue.IdNotHeld("coord-1"));

        pool.down = false;
        identity.renew();
        assertThat(issued()).as("nobody took the id meanwhile: it is held again").containsOnlyKeys("coord-1");
    }

    @Test
    void anIdTakenOverByAnotherInstanceIsNeverIssuedUnderAgain() {
        clock.advance(LEASE.plusSeconds(1));
        assertThat(pool.claim("another instance", LEASE)).as("the lapsed id goes to the next claimant")
                .isEqualTo("coord-1");

        identity.renew();

        assertThat(issued()).as("a fresh id from the pool").containsOnlyKeys("coord-2");
        assertThat(identity.id()).as("its name elsewhere is unchanged").isEqualTo("coord-1");
    }

    @Test
    void aConfiguredIdIsAlwaysHeld() {
        CoordinatorIdentity configured = CoordinatorIdentity.configured("coordinator-a");
        ClockIssuer fixed = new ClockIssuer(configured.clockLease(), clock, 10);
        clock.advance(Duration.ofDays(365));

        assertThat(fixed.next(VectorClock.EMPTY)).isInstanceOf(ClockIssuer.Issue.Issued.class);
    }

    private java.util.Map<String, Long> issued() {
        ClockIssuer.Issue issue = issuer.next(VectorClock.EMPTY);
        assertThat(issue).isInstanceOf(ClockIssuer.Issue.Issued.class);
        return ((ClockIssuer.Issue.Issued) issue).clock().entries();
    }

    /** The pool in PostgreSQL, which can be unreachable. */
    private static final class FlakyIds implements CoordinatorIds {
        private final CoordinatorIds delegate;
        volatile boolean down;

        FlakyIds(CoordinatorIds delegate) {
            this.delegate = delegate;
        }

        @Override
        public String claim(String instance, Duration lease) {
            reachable();
            return delegate.claim(instance, lease);
        }

        @Override
        public Renewal renew(String id, String instance, Duration lease) {
            reachable();
            return delegate.renew(id, instance, lease);
        }

        @Override
        public void release(String id, String instance) {
            reachable();
            delegate.release(id, instance);
        }

        private void reachable() {
            if (down) {
                throw new PairDbException("coordinator_ids", "PostgreSQL unreachable");
            }
        }
    }
}
