package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.ChangeStore;
import io.pairdb.core.port.RepairClaimStore;
import io.pairdb.core.port.RepairClaimStore.Claim;
import io.pairdb.core.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RepairClaimStore} does; each implementation's test extends this. */
public abstract class RepairClaimStoreContract {
    protected abstract RepairClaimStore emptyStore();

    /** Lets every claim taken so far run out. */
    protected abstract void expireClaims();

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final TenantId ACME = new TenantId("acme");
    private static final TenantId GLOBEX = new TenantId("globex");
    private final Instant dayOne = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);
    private final Instant dayEight = dayOne.plus(Duration.ofDays(7));
    private RepairClaimStore store;

    @BeforeEach
    public void freshStore() {
        store = emptyStore();
    }

    @Test
    public void aTenantNeverRepairedIsClaimedByTheFirstCoordinatorAndHeldAgainstTheOthers() {
        assertThat(store.lastRepaired()).isEmpty();
        assertThat(store.claim(ACME, "coord-a", dayOne, LEASE)).isEqualTo(new Claim.Claimed());
        assertThat(store.claim(ACME, "coord-b", dayOne, LEASE)).isEqualTo(new Claim.Held("coord-a"));
        assertThat(store.claim(GLOBEX, "coord-b", dayOne, LEASE)).as("claims are per tenant").isEqualTo(new Claim.Claimed());
        assertThat(store.claim(ACME, "coord-a", dayOne, LEASE)).as("the holder may claim again").isEqualTo(new Claim.Claimed());
    }

    @Test
    public void aRecordedRepairReleasesTheClaimAndMakesTheTenantNotDueUntilTheBoundPassesIt() {
        store.claim(ACME, "coord-a", dayOne, LEASE);

        assertThat(store.repaired(ACME, "coord-a", dayOne)).isEqualTo(ChangeStore.Held.HELD);

        assertThat(store.lastRepaired()).isEqualTo(Map.of(ACME, dayOne));
        assertThat(store.claim(ACME, "coord-b", dayOne, LEASE)).isEqualTo(new Claim.NotDue(dayOne));
        assertThat(store.claim(ACME, "coord-b", dayOne.minusMillis(1), LEASE)).isEqualTo(new Claim.NotDue(dayOne));
        assertThat(store.claim(ACME, "coord-b", dayEight, LEASE)).as("a period later").isEqualTo(new Claim.Claimed());
    }

    @Test
    public void aRepairIsRecordedOnlyByTheClaimsHolderAndOnlyOnce() {
        store.claim(ACME, "coord-a", dayOne, LEASE);

        assertThat(store.repaired(ACME, "coord-b", dayOne)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(store.lastRepaired()).isEmpty();
        assertThat(store.repaired(ACME, "coord-a", dayOne)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(store.repaired(ACME, "coord-a", dayEight)).as("the claim ended with the first").isEqualTo(ChangeStore.Held.LOST);
        assertThat(store.lastRepaired()).isEqualTo(Map.of(ACME, dayOne));
    }

    @Test
    public void anOlderRepairRecordedLaterDoesNotMoveTheLastRepairBack() {
        store.claim(ACME, "coord-a", dayEight, LEASE);
        store.repaired(ACME, "coord-a", dayEight);
        store.claim(ACME, "coord-a", dayEight.plusSeconds(1), LEASE);

        assertThat(store.repaired(ACME, "coord-a", dayOne)).isEqualTo(ChangeStore.Held.HELD);

        assertThat(store.lastRepaired()).isEqualTo(Map.of(ACME, dayEight));
        assertThat(store.claim(ACME, "coord-b", dayEight, LEASE)).as("released").isEqualTo(new Claim.NotDue(dayEight));
    }

    @Test
    public void aClaimWhoseHolderDiedRunsOutAndIsTakenByAnotherWhoAloneMayRecordTheRepair() {
        store.claim(ACME, "coord-a", dayOne, LEASE);
        expireClaims();

        assertThat(store.renew(ACME, "coord-a", LEASE)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(store.claim(ACME, "coord-b", dayOne, LEASE)).isEqualTo(new Claim.Claimed());
        assertThat(store.repaired(ACME, "coord-a", dayOne)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(store.renew(ACME, "coord-b", LEASE)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(store.repaired(ACME, "coord-b", dayOne)).isEqualTo(ChangeStore.Held.HELD);
    }

    @Test
    public void aHolderWhoseLeaseRanOutStillRecordsItsRepairIfNobodyClaimedSince() {
        store.claim(ACME, "coord-a", dayOne, LEASE);
        expireClaims();

        assertThat(store.repaired(ACME, "coord-a", dayOne)).isEqualTo(ChangeStore.Held.HELD);
        assertThat(store.lastRepaired()).isEqualTo(Map.of(ACME, dayOne));
    }

    @Test
    public void aReleasedClaimLeavesTheTenantDueForTheNextCoordinator() {
        store.claim(ACME, "coord-a", dayOne, LEASE);
        store.release(ACME, "coord-b");
        assertThat(store.claim(ACME, "coord-b", dayOne, LEASE)).as("only its holder releases a claim")
                .isEqualTo(new Claim.Held("coord-a"));

        store.release(ACME, "coord-a");
        store.release(ACME, "coord-a");

        assertThat(store.renew(ACME, "coord-a", LEASE)).isEqualTo(ChangeStore.Held.LOST);
        assertThat(store.claim(ACME, "coord-b", dayOne, LEASE)).isEqualTo(new Claim.Claimed());
        assertThat(store.lastRepaired()).isEmpty();
    }

    @Test
    public void ofManyCoordinatorsClaimingAtOnceExactlyOneGetsTheTenant() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Claim>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = "coord-" + i;
                claims.add(pool.submit((Callable<Claim>) () -> store.claim(ACME, owner, dayOne, LEASE)));
            }
            long claimed = 0;
            for (Future<Claim> claim : claims) {
                claimed += claim.get() instanceof Claim.Claimed ? 1 : 0;
            }
            assertThat(claimed).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
