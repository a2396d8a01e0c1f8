package io.pairdb.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pairdb.core.port.TenantStore;
import io.pairdb.core.replication.SpeculationPolicy;
import io.pairdb.core.tenant.Tenant;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.tenant.TenantQuota;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TenantStore} does; each implementation's test extends this. */
public abstract class TenantStoreContract {
    /** A store with no tenants in it. */
    protected abstract TenantStore emptyStore();

    /** The ring epoch of the store's {@link io.pairdb.core.port.TopologyStore}. */
    protected abstract long ringEpoch();

    private TenantStore store;
    private final Instant now = Instant.parse("2026-01-02T03:04:05.123Z").truncatedTo(ChronoUnit.MILLIS);

    @BeforeEach
    public void freshStore() {
        store = emptyStore();
    }

    @Test
    public void findsATenantAfterInsertingIt() {
        Tenant acme = new Tenant(new TenantId("acme"), 3, now, now, 1);
        assertThat(store.insert(acme)).isEqualTo(TenantStore.InsertOutcome.INSERTED);
        assertThat(store.find(new TenantId("acme"))).contains(acme);
    }

    @Test
    public void creatingATenantMovesTheRingEpochAndARefusedCreationDoesNot() {
        long before = ringEpoch();
        store.insert(new Tenant(new TenantId("acme"), 3, now, now, 1));
        assertThat(ringEpoch()).isEqualTo(before + 1);
        store.insert(new Tenant(new TenantId("acme"), 1, now, now, 1));
        assertThat(ringEpoch()).isEqualTo(before + 1);
    }

    @Test
    public void aTenantIsInsertedAtAnEpochOnlyWhileTheRingIsStillThere() {
        long epoch = ringEpoch();
        Tenant acme = new Tenant(new TenantId("acme"), 3, now, now, 1);
        assertThat(store.insertAt(acme, epoch - 1)).isEqualTo(TenantStore.InsertOutcome.RING_MOVED);
        assertThat(store.find(acme.id())).isEmpty();
        assertThat(ringEpoch()).as("a refused insert leaves the epoch").isEqualTo(epoch);

        assertThat(store.insertAt(acme, epoch)).isEqualTo(TenantStore.InsertOutcome.INSERTED);
        assertThat(store.find(acme.id())).contains(acme);
        assertThat(ringEpoch()).isEqualTo(epoch + 1);
        assertThat(store.insertAt(new Tenant(acme.id(), 1, now, now, 1), epoch))
                .as("an existing tenant, whatever the epoch").isEqualTo(TenantStore.InsertOutcome.ALREADY_EXISTS);
        assertThat(ringEpoch()).isEqualTo(epoch + 1);
    }

    @Test
    public void refusesASecondTenantWithTheSameId() {
        store.insert(new Tenant(new TenantId("acme"), 3, now, now, 1));
        assertThat(store.insert(new Tenant(new TenantId("acme"), 1, now, now, 1)))
                .isEqualTo(TenantStore.InsertOutcome.ALREADY_EXISTS);
        assertThat(store.find(new TenantId("acme")).orElseThrow().replicationFactor()).isEqualTo(3);
    }

    @Test
    public void findsNothingForAnUnknownTenant() {
        assertThat(store.find(new TenantId("nobody"))).isEmpty();
    }

    @Test
    public void listsTenantsInIdOrder() {
        store.insert(new Tenant(new TenantId("zeta"), 1, now, now, 1));
        store.insert(new Tenant(new TenantId("alpha"), 2, now, now, 1));
        assertThat(store.list()).extracting(t -> t.id().value()).containsExactly("alpha", "zeta");
    }

    @Test
    public void updatesWhenTheExpectedVersionMatches() {
        Tenant acme = new Tenant(new TenantId("acme"), 3, now, now, 1);
        store.insert(acme);
        Tenant raised = acme.withReplicationFactor(5, now.plusSeconds(1));
        assertThat(store.update(raised, 1)).contains(raised);
        assertThat(store.find(acme.id())).contains(raised);
    }

    @Test
    public void keepsTheStoredTenantWhenTheExpectedVersionIsStale() {
        Tenant acme = new Tenant(new TenantId("acme"), 3, now, now, 1);
        store.insert(acme);
        Tenant second = acme.withReplicationFactor(2, now.plusSeconds(1));
        store.update(second, 1);
        Tenant lateWriter = acme.withReplicationFactor(1, now.plusSeconds(2));
        assertThat(store.update(lateWriter, 1)).contains(second);
        assertThat(store.find(acme.id())).contains(second);
    }

    @Test
    public void anUpdateThatBumpsTheEpochMovesItOnlyWhenApplied() {
        Tenant acme = new Tenant(new TenantId("acme"), 3, now, now, 1);
        store.insert(acme);
        long before = ringEpoch();

        Tenant limited = acme.withQuota(new TenantQuota(100, 0), now.plusSeconds(1));
        assertThat(store.updateAndBumpEpoch(limited, 1)).contains(limited);
        assertThat(store.find(acme.id())).contains(limited);
        assertThat(ringEpoch()).isEqualTo(before + 1);

        Tenant lateWriter = acme.withQuota(TenantQuota.UNLIMITED, now.plusSeconds(2));
        assertThat(store.updateAndBumpEpoch(lateWriter, 1)).as("a stale version").contains(limited);
        assertThat(store.updateAndBumpEpoch(new Tenant(new TenantId("ghost"), 3, now, now, 2), 1)).isEmpty();
        assertThat(store.update(limited.withQuota(new TenantQuota(5, 0), now.plusSeconds(3)), limited.version()))
                .as("a plain update").isPresent();
        assertThat(ringEpoch()).as("refused updates and plain ones leave the epoch").isEqualTo(before + 1);
    }

    @Test
    public void updatingAnUnknownTenantFindsNothing() {
        assertThat(store.update(new Tenant(new TenantId("ghost"), 3, now, now, 2), 1)).isEmpty();
    }

    @Test
    public void aPendingReplicationFactorIsStoredAndClearedWithTheVersion() {
        Tenant acme = new Tenant(new TenantId("acme"), 2, now, now, 1);
        store.insert(acme);

        Tenant raising = acme.raisingTo(3, now.plusSeconds(1));
        assertThat(store.update(raising, 1)).contains(raising);
        assertThat(store.find(acme.id())).contains(raising);
        assertThat(store.list()).containsExactly(raising);

        Tenant raised = raising.withReplicationFactor(3, now.plusSeconds(2));
        assertThat(store.update(raised, 2)).contains(raised);
        assertThat(store.find(acme.id()).orElseThrow().pendingReplicationFactor()).isEmpty();
    }

    @Test
    public void aTenantsSpeculationPolicyIsStoredAndClearedWithTheVersion() {
        Tenant acme = new Tenant(new TenantId("acme"), 3, Optional.empty(), now, now, 1,
                Optional.of(new SpeculationPolicy.LesserOf(99.9, Duration.ofMillis(40))));
        store.insert(acme);
        assertThat(store.find(acme.id())).contains(acme);

        Tenant fixed = acme.withSpeculation(Optional.of(new SpeculationPolicy.Fixed(Duration.ofMillis(15))),
                now.plusSeconds(1));
        assertThat(store.update(fixed, 1)).contains(fixed);
        assertThat(store.list()).containsExactly(fixed);

        Tenant byDefault = fixed.withSpeculation(Optional.empty(), now.plusSeconds(2));
        assertThat(store.update(byDefault, 2)).contains(byDefault);
        assertThat(store.find(acme.id()).orElseThrow().speculation()).isEmpty();
    }

    @Test
    public void aTenantsQuotaIsStoredAndClearedWithTheVersion() {
        Tenant acme = new Tenant(new TenantId("acme"), 3, now, now, 1);
        store.insert(acme);
        assertThat(store.find(acme.id()).orElseThrow().quota()).isEqualTo(TenantQuota.UNLIMITED);

        Tenant limited = acme.withQuota(new TenantQuota(100, 1_000_000), now.plusSeconds(1));
        assertThat(store.update(limited, 1)).contains(limited);
        assertThat(store.find(acme.id())).contains(limited);
        assertThat(store.list()).containsExactly(limited);

        Tenant speculating = limited.withSpeculation(Optional.of(new SpeculationPolicy.Fixed(Duration.ofMillis(15))),
                now.plusSeconds(2));
        assertThat(store.update(speculating, 2)).as("another setting keeps the quota").contains(speculating);
        assertThat(store.find(acme.id()).orElseThrow().quota()).isEqualTo(new TenantQuota(100, 1_000_000));

        Tenant unlimited = speculating.withQuota(TenantQuota.UNLIMITED, now.plusSeconds(3));
        assertThat(store.update(unlimited, 3)).contains(unlimited);
        assertThat(store.find(acme.id()).orElseThrow().quota().unlimited()).isTrue();
    }
}
