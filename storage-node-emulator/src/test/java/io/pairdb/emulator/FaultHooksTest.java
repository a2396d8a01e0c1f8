package io.pairdb.emulator;

import static io.pairdb.storage.contract.Fixtures.TENANT;
import static io.pairdb.storage.contract.Fixtures.aValue;
import static io.pairdb.storage.contract.Fixtures.clock;
import static io.pairdb.storage.contract.Fixtures.entry;
import static io.pairdb.storage.contract.Fixtures.range;
import static io.pairdb.storage.contract.Fixtures.tokenOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.pairdb.proto.emulator.v1.ClearRequest;
import io.pairdb.proto.emulator.v1.Faults;
import io.pairdb.proto.emulator.v1.StatsRequest;
import io.pairdb.proto.emulator.v1.StatsResponse;
import io.pairdb.proto.storage.v1.DeleteRangeRequest;
import io.pairdb.proto.storage.v1.DeleteRequest;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.RangeDigestRequest;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.RepairRequest;
import io.pairdb.proto.storage.v1.StreamRangeRequest;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import io.pairdb.storage.server.CallKind;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultHooksTest {

    private final EmulatorFixture node = EmulatorFixture.start(builder -> builder.handlerThreads(1));

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void answersUnavailableToEveryStorageCallWhileUnavailable() {
        node.emulator.faults().setUnavailable(true);

        assertUnavailable(() -> node.write("colour", aValue("blue").clock("c1", 1).build()));
        assertUnavailable(() -> node.read("colour"));
        assertUnavailable(() -> node.storage().health(HealthRequest.getDefaultInstance()));
        assertUnavailable(() -> node.storage().streamRange(streamAll()).forEachRemaining(batch -> { }));
        assertUnavailable(() -> node.storage().deleteRange(
                DeleteRangeRequest.newBuilder().setRange(range(0, 0)).build()));
        assertUnavailable(() -> node.storage().rangeDigest(
                RangeDigestRequest.newBuilder().setRange(range(0, 0)).build()));

        node.emulator.faults().setUnavailable(false);
        assertThat(node.write("colour", aValue("blue").clock("c1", 1).build()).hasCurrent()).isTrue();
    }

    @Test
    void reportsNotServingThroughTheStandardHealthServiceWhileUnavailable() {
        var health = HealthGrpc.newBlockingStub(node.channel).withDeadlineAfter(30, TimeUnit.SECONDS);

        node.emulator.faults().setUnavailable(true);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.NOT_SERVING);

        node.emulator.faults().clear();
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void holdsATenantsRangeDeletesUntilReleasedWhileOtherTenantsDeletesRun() throws Exception {
        node.write("colour", aValue("blue").clock("c1", 1).build());
        node.emulator.store().apply(new StoredEntry("other", "colour", tokenOf("colour"),
                StoredVersion.of(io.pairdb.core.version.Version.of(new byte[] {1},
                        io.pairdb.core.version.VectorClock.of("c1", 1), 1))));
        node.emulator.faults().holdRangeDeletes(TENANT);

        Future<io.pairdb.proto.storage.v1.DeleteRangeResponse> held = node.storageAsync().deleteRange(
                DeleteRangeRequest.newBuilder().setRange(range(0, 0)).setTenantId(TENANT).build());
        assertThat(node.storage().deleteRange(DeleteRangeRequest.newBuilder().setRange(range(0, 0))
                .setTenantId("other").build()).getDeleted()).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> node.emulator.faults().heldRangeDeletes() == 1);
        assertThat(held).isNotDone();
        assertThat(node.read("colour").getFound()).as("not deleted while held").isTrue();
        assertThat(node.emulator.faults().current().holdRangeDeletesOf()).contains(TENANT);

        node.emulator.faults().releaseRangeDeletes();

        assertThat(held.get(30, TimeUnit.SECONDS).getDeleted()).isEqualTo(1);
        assertThat(node.read("colour").getFound()).isFalse();
        assertThat(node.emulator.faults().heldRangeDeletes()).isZero();
    }

    @Test
    void healthReportsTheTombstoneGcGraceAndPurgeTombstonesDropsThemAllNow() {
        try (EmulatorFixture graceful = EmulatorFixture.start(b -> b.tombstoneGcGrace(Duration.ofHours(36)))) {
            assertThat(graceful.storage().health(HealthRequest.getDefaultInstance()).getTombstoneGcGraceMs())
                    .isEqualTo(Duration.ofHours(36).toMillis());
            graceful.write("colour", aValue("blue").clock("c1", 1).build());
            graceful.storage().delete(DeleteRequest.newBuilder().setTenantId(TENANT).setKey("colour")
                    .setVectorClock(clock("c1", 2)).build());
            assertThat(graceful.emulator.store().get(TENANT, "colour").orElseThrow().tombstone()).isTrue();

            assertThat(graceful.control().purgeTombstones(io.pairdb.proto.emulator.v1.PurgeTombstonesRequest
                    .getDefaultInstance()).getPurged()).isEqualTo(1);
            assertThat(graceful.emulator.store().keyCount()).isZero();
        }
    }

    @Test
    void failsExactlyTheNextNWriteCalls() {
        node.emulator.faults().failNextWrites(4);

        assertUnavailable(() -> node.write("colour", aValue("blue").clock("c1", 1).build()));
        assertUnavailable(() -> node.storage().delete(DeleteRequest.newBuilder().setTenantId(TENANT).setKey("colour")
                .setVectorClock(clock("c1", 1)).build()));
        assertThat(node.read("colour").getFound()).isFalse(); // reads do not use up the failures
        assertUnavailable(() -> node.storage().repair(RepairRequest.newBuilder().setTenantId(TENANT).setKey("colour")
                .setVersion(aValue("blue").clock("c1", 1).build()).build()));
        assertUnavailable(() -> node.storage().writeBatch(WriteBatchRequest.newBuilder()
                .addEntries(entry(TENANT, "colour", 1, aValue("blue").clock("c1", 1).build())).build()));

        assertThat(node.write("colour", aValue("blue").clock("c1", 1).build()).hasCurrent()).isTrue();
        assertThat(node.emulator.faults().current().failNextWrites()).isZero();
    }

    @Test
    void failsStreamsWhileFailStreamsIsSet() {
        node.write("colour", aValue("blue").clock("c1", 1).build());
        node.emulator.faults().setFailStreams(true);

        assertUnavailable(() -> node.storage().streamRange(streamAll()).forEachRemaining(batch -> { }));
        assertThat(node.read("colour").getFound()).isTrue();

        node.emulator.faults().setFailStreams(false);
        List<Object> batches = new ArrayList<>();
        node.storage().streamRange(streamAll()).forEachRemaining(batches::add);
        assertThat(batches).hasSize(1);
    }

    @Test
    void delaysStorageCallsByAtLeastTheConfiguredDelay() {
        node.emulator.faults().setDelay(Duration.ofMillis(300));

        long started = System.nanoTime();
        node.read("colour");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void letsADelayedCallRunIntoTheCallersDeadline() {
        node.emulator.faults().setDelay(Duration.ofHours(1));

        assertThatThrownBy(() -> node.storage().withDeadlineAfter(100, TimeUnit.MILLISECONDS).read(
                ReadRequest.newBuilder().setTenantId(TENANT).setKey("colour").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    }

    @Test
    void keepsHandlerThreadsFreeWhileCallsAreDelayed() {
        // One handler thread (see the fixture) and calls delayed for an hour: if a delayed call
        // held a thread, the undelayed Health call could never be answered. The warm-up call
        // connects the channel first, so the writes reach the node before the Health call does.
        node.read("warm-up");
        node.emulator.faults().setDelay(Duration.ofHours(1));
        List<ListenableFuture<WriteResponse>> parked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parked.add(node.storageAsync().write(WriteRequest.newBuilder().setTenantId(TENANT).setKey("k" + i)
                    .setToken(tokenOf("k" + i)).setVersion(aValue("v").clock("c1", 1).build()).build()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> node.emulator.faults().delayedCalls() == 3);

        assertThat(node.storage().health(HealthRequest.getDefaultInstance()).getServing()).isTrue();
        assertThat(parked).noneMatch(Future::isDone);
        parked.forEach(call -> call.cancel(true));
    }

    @Test
    void releasingDelayedCallsLetsThemRunAtOnceWhileLaterCallsStillWait() throws Exception {
        node.read("warm-up");
        node.emulator.faults().setDelay(Duration.ofHours(1));
        ListenableFuture<WriteResponse> parked = node.storageAsync().write(WriteRequest.newBuilder().setTenantId(TENANT)
                .setKey("released").setToken(tokenOf("released")).setVersion(aValue("v").clock("c1", 1).build()).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> node.emulator.faults().delayedCalls() == 1);
        node.emulator.faults().releaseDelayedCalls();

        assertThat(parked.get(30, TimeUnit.SECONDS).getCurrent().getValue().toStringUtf8())
                .as("the released write ran").isEqualTo("v");
        ListenableFuture<WriteResponse> later = node.storageAsync().write(WriteRequest.newBuilder().setTenantId(TENANT)
                .setKey("later").setToken(tokenOf("later")).setVersion(aValue("v").clock("c1", 1).build()).build());
        assertThat(node.storage().health(HealthRequest.getDefaultInstance()).getServing()).isTrue();
        assertThat(later).as("the delay still holds calls that come after the release").isNotDone();
        later.cancel(true);
    }

    @Test
    void replacesEveryFaultSettingThroughTheControlService() {
        node.control().setFaults(Faults.newBuilder().setUnavailable(true).setDelayMs(5).setFailNextWrites(2).build());

        Faults current = node.control().setFaults(Faults.newBuilder().setFailStreams(true).build());

        assertThat(current).isEqualTo(Faults.newBuilder().setFailStreams(true).build());
        assertThat(node.emulator.faults().current())
                .isEqualTo(new FaultSettings(false, Duration.ZERO, 0, true));
        assertThat(node.read("colour").getFound()).isFalse();
    }

    @Test
    void stallsACallOnTopOfTheSteadyDelayWhenTheStallIsDrawn() {
        node.emulator.faults().setDelay(Duration.ofMillis(100));
        node.emulator.faults().setStalls(1.0, Duration.ofMillis(400));

        long started = System.nanoTime();
        node.read("colour");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void stallsAboutTheConfiguredShareOfDataCallsAndNeverHealthCalls() {
        FaultHooks faults = node.emulator.faults();
        faults.setDelay(Duration.ofMillis(3));
        faults.setStalls(0.1, Duration.ofSeconds(2));

        int draws = 2_000;
        int stalled = 0;
        for (int i = 0; i < draws; i++) {
            Duration delay = faults.delayFor(i % 2 == 0 ? CallKind.QUERY : CallKind.WRITE);
            assertThat(delay).isIn(Duration.ofMillis(3), Duration.ofMillis(2_003));
            stalled += delay.equals(Duration.ofMillis(2_003)) ? 1 : 0;
        }
        // 200 expected; the bounds are more than 7 standard deviations (about 13) away.
        assertThat(stalled).isBetween(100, 300);
        assertThat(faults.delayFor(CallKind.HEALTH)).isZero();

        faults.setStalls(0, Duration.ofSeconds(2));
        for (int i = 0; i < draws; i++) {
            assertThat(faults.delayFor(CallKind.QUERY)).isEqualTo(Duration.ofMillis(3));
        }
    }

    @Test
    void setsAndReportsStallsThroughTheControlService() {
        Faults stalls = Faults.newBuilder().setDelayMs(20).setStallProbability(0.01).setStallMs(800).build();

        assertThat(node.control().setFaults(stalls)).isEqualTo(stalls);

        assertThat(node.emulator.faults().current()).isEqualTo(new FaultSettings(false, Duration.ofMillis(20), 0.01,
                Duration.ofMillis(800), 0, false, java.util.Optional.empty()));
        node.control().setFaults(Faults.getDefaultInstance());
        assertThat(node.emulator.faults().current()).isEqualTo(FaultSettings.NONE);
    }

    @Test
    void rejectsAStallProbabilityOutsideZeroToOneAndANegativeStall() {
        for (Faults bad : List.of(Faults.newBuilder().setStallProbability(1.5).build(),
                Faults.newBuilder().setStallProbability(-0.1).build(),
                Faults.newBuilder().setStallProbability(Double.NaN).build(),
                Faults.newBuilder().setStallProbability(0.5).setStallMs(-1).build())) {
            assertThatThrownBy(() -> node.control().setFaults(bad))
                    .as("%s", bad)
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
        assertThatThrownBy(() -> node.emulator.faults().setStalls(2, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 1");
        assertThat(node.emulator.faults().current()).isEqualTo(FaultSettings.NONE);
    }

    @Test
    void rejectsNegativeFaultSettings() {
        assertThatThrownBy(() -> node.control().setFaults(Faults.newBuilder().setDelayMs(-1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void putRawStoresAVersionAsIsToMakeAReplicaStale() {
        node.write("colour", aValue("new").clock("c1", 5).build());
        var stale = aValue("old").clock("c1", 1).build();

        node.control().putRaw(entry(TENANT, "colour", tokenOf("colour"), stale));

        assertThat(node.read("colour").getVersion()).isEqualTo(stale);
    }

    @Test
    void clearDropsEveryEntryAndStartsOverUnderANewDataId() {
        node.write("a", aValue("v").clock("c1", 1).build());
        node.write("b", aValue("v").clock("c1", 1).build());
        String before = node.storage().health(HealthRequest.getDefaultInstance()).getDataId();

        node.control().clear(ClearRequest.getDefaultInstance());

        assertThat(node.storage().health(HealthRequest.getDefaultInstance()).getDataId())
                .as("a coordinator can tell the node lost its data").isNotBlank().isNotEqualTo(before);
        assertThat(node.read("a").getFound()).isFalse();
        assertThat(node.emulator.store().keyCount()).isZero();
        assertThat(node.storage().streamRange(streamAll()).hasNext()).isFalse();
    }

    @Test
    void countsTheCallsThatReachedTheData() {
        node.write("a", aValue("v").clock("c1", 1).build());
        node.writeBatch(entry(TENANT, "b", 2, aValue("v").clock("c1", 1).build()),
                entry(TENANT, "c", 3, aValue("v").clock("c1", 1).build()));
        node.read("a");
        node.storage().repair(RepairRequest.newBuilder().setTenantId(TENANT).setKey("a")
                .setVersion(aValue("v").clock("c1", 2).build()).build());
        node.emulator.faults().failNextWrites(1);
        assertUnavailable(() -> node.write("d", aValue("v").clock("c1", 1).build()));

        StatsResponse stats = node.control().stats(StatsRequest.getDefaultInstance());

        assertThat(stats).isEqualTo(StatsResponse.newBuilder()
                .setKeyCount(3).setWrites(3).setReads(1).setRepairs(1).build());
    }

    @Test
    void appliesFaultsSetThroughTheControlServiceToo() {
        node.control().setFaults(Faults.newBuilder().setUnavailable(true).build());

        assertUnavailable(() -> node.read("colour"));
        assertThat(node.emulator.faults().current().unavailable()).isTrue();
    }

    private static StreamRangeRequest streamAll() {
        return StreamRangeRequest.newBuilder().setRange(range(0, 0)).build();
    }

    private static void assertUnavailable(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
}
