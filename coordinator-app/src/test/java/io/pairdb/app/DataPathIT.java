package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pairdb.emulator.StorageNodeEmulator;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.DeleteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueResponse;
import io.pairdb.proto.coordinator.v1.VectorClock;
import io.pairdb.proto.coordinator.v1.VectorClockEntry;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import io.pairdb.proto.emulator.v1.EmulatorControlGrpc;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The data path through real coordinators: versions across coordinators and restarts,
 * deterministic conflicts, read repair, delete, idempotency and input validation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataPathIT {
    private InProcessCoordinator coordinator;

    @BeforeAll
    void start() {
        coordinator = InProcessCoordinator.start(3, Map.of());
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId("acme").setReplicationFactor(3).build());
    }

    @AfterAll
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private static WriteKeyValueRequest put(String key, String value) {
        return WriteKeyValueRequest.newBuilder().setTenantId("acme").setKey(key).setValue(ByteString.copyFromUtf8(value))
                .build();
    }

    private static ReadKeyValueRequest get(String key, String consistency) {
        return ReadKeyValueRequest.newBuilder().setTenantId("acme").setKey(key).setConsistency(consistency).build();
    }

    private static StatusRuntimeException failure(Callable<?> call) {
        try {
            call.call();
        } catch (StatusRuntimeException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return fail("expected the call to fail");
    }

    /** What every storage node holds for a key, straight from the nodes. */
    private List<Version> replicaVersions(String key) {
        List<Version> versions = new ArrayList<>();
        for (StorageNodeEmulator node : coordinator.cluster.nodes()) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress(node.host(), node.port()).usePlaintext().build();
            try {
                var answer = StorageNodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .read(ReadRequest.newBuilder().setTenantId("acme").setKey(key).build());
                versions.add(answer.getFound() ? answer.getVersion() : null);
            } finally {
                channel.shutdownNow();
            }
        }
        return versions;
    }

    private static long entry(VectorClock clock, String coordinatorId) {
        return clock.getEntriesList().stream().filter(e -> e.getCoordinatorNodeId().equals(coordinatorId))
                .mapToLong(e -> e.getLogicalTimestamp()).findFirst().orElse(0);
    }

    // ---- versions and conflicts -----------------------------------------------------------

    @Test
    void twoCoordinatorsWritingOneKeyConvergeOnOneWinnerEverywhere() throws Exception {
        try (InProcessCoordinator second = InProcessCoordinator.alongside(coordinator,
                Map.of("pairdb.coordinator.node-id", "second-coordinator"))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<WriteKeyValueResponse>> writes = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    var via = (i % 2 == 0 ? coordinator : second).data();
                    WriteKeyValueRequest request = put("contended", "value-" + i).toBuilder()
                            .setConsistency("one").build();
                    writes.add(() -> via.writeKeyValue(request));
                }
                for (Future<WriteKeyValueResponse> f : pool.invokeAll(writes)) {
                    assertThat(f.get().getSuccess()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            // reads at all resolve any conflict and repair the replicas in the background
            ReadKeyValueResponse viaFirst = coordinator.data().readKeyValue(get("contended", "all"));
            ReadKeyValueResponse viaSecond = second.data().readKeyValue(get("contended", "all"));
            assertThat(viaSecond.getValue()).isEqualTo(viaFirst.getValue());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                coordinator.data().readKeyValue(get("contended", "all"));
                List<Version> replicas = replicaVersions("contended");
                assertThat(replicas).doesNotContainNull();
                assertThat(new HashSet<>(replicas)).as("identical versions on all three replicas").hasSize(1);
                assertThat(replicas.getFirst().getValue()).isEqualTo(viaFirst.getValue());
            });
        }
    }

    @Test
    void aRestartedCoordinatorKeepsIssuingClocksThatDominateItsEarlierOnes() {
        Map<String, Object> sameId = Map.of("pairdb.coordinator.node-id", "restarting-coordinator");
        long before;
        try (InProcessCoordinator first = InProcessCoordinator.alongside(coordinator, sameId)) {
            before = entry(first.data().writeKeyValue(put("restart", "one")).getVectorClock(), "restarting-coordinator");
            // the restarted instance writes a different key: no read-before-write can carry the old counter over
            first.data().writeKeyValue(put("restart-2", "x"));
        }
        try (InProcessCoordinator restarted = InProcessCoordinator.alongside(coordinator, sameId)) {
            long after = entry(restarted.data().writeKeyValue(put("restart-other", "two")).getVectorClock(),
                    "restarting-coordinator");
            assertThat(after).isGreaterThan(before);
        }
    }

    @Test
    void coordinatorsWithoutAConfiguredIdLeaseFewStableIdsThatARestartReuses() {
        Map<String, Object> pooled = Map.of("pairdb.coordinator.node-id", "");
        try (InProcessCoordinator a = InProcessCoordinator.alongside(coordinator, pooled)) {
            InProcessCoordinator b = InProcessCoordinator.alongside(coordinator, pooled);
            String idA = writerOf(a, "pooled-a");
            String idB = writerOf(b, "pooled-b");
            assertThat(idA).startsWith("coord-");
            assertThat(idB).startsWith("coord-").isNotEqualTo(idA);

            b.close();
            try (InProcessCoordinator restarted = InProcessCoordinator.alongside(coordinator, pooled)) {
                assertThat(writerOf(restarted, "pooled-c")).as("the restarted instance reuses the freed id").isEqualTo(idB);
            }
        }
    }

    /** The coordinator id in the clock of a first write to a fresh key: the writer's own. */
    private static String writerOf(InProcessCoordinator via, String freshKey) {
        VectorClock clock = via.data().writeKeyValue(put(freshKey, "x")).getVectorClock();
        assertThat(clock.getEntriesCount()).isEqualTo(1);
        return clock.getEntries(0).getCoordinatorNodeId();
    }

    @Test
    void aWriteWithCausalContextDominatesTheClockItWasGiven() {
        WriteKeyValueResponse first = coordinator.data().writeKeyValue(put("causal", "v1"));
        WriteKeyValueResponse second = coordinator.data().writeKeyValue(put("causal", "v2").toBuilder()
                .setCausalContext(first.getVectorClock()).build());
        String id = first.getVectorClock().getEntries(0).getCoordinatorNodeId();
        assertThat(entry(second.getVectorClock(), id)).isGreaterThan(entry(first.getVectorClock(), id));
        assertThat(coordinator.data().readKeyValue(get("causal", "all")).getValue().toStringUtf8()).isEqualTo("v2");
    }

    // ---- read repair ----------------------------------------------------------------------

    @Test
    void aStaleReplicaIsRepairedByARead() {
        WriteKeyValueResponse written = coordinator.data().writeKeyValue(put("stale", "fresh").toBuilder()
                .setConsistency("all").build());
        StorageNodeEmulator victim = coordinator.cluster.nodes().getFirst();
        ManagedChannel channel = ManagedChannelBuilder.forAddress(victim.host(), victim.port()).usePlaintext().build();
        try {
            // an older version: an empty clock is dominated by the written one
            EmulatorControlGrpc.newBlockingStub(channel).putRaw(Entry.newBuilder().setTenantId("acme").setKey("stale")
                    .setToken(io.pairdb.core.ring.Token.forKey("acme", "stale").value()).setVersion(Version.newBuilder().setValue(ByteString.copyFromUtf8("old"))
                            .setTimestampMs(1)).build());
        } finally {
            channel.shutdownNow();
        }
        assertThat(replicaVersions("stale").getFirst().getValue().toStringUtf8()).isEqualTo("old");

        ReadKeyValueResponse read = coordinator.data().readKeyValue(get("stale", "all"));
        assertThat(read.getValue().toStringUtf8()).isEqualTo("fresh");
        assertThat(read.getVectorClock()).isEqualTo(written.getVectorClock());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(replicaVersions("stale")).allSatisfy(v -> assertThat(v.getValue().toStringUtf8()).isEqualTo("fresh")));
    }

    // ---- delete ---------------------------------------------------------------------------

    @Test
    void aDeletedKeyIsNotFoundAtEveryConsistencyAndItsTombstoneIsRepairedLikeAValue() {
        coordinator.data().writeKeyValue(put("doomed", "here").toBuilder().setConsistency("all").build());
        var deleted = coordinator.data().deleteKeyValue(DeleteKeyValueRequest.newBuilder().setTenantId("acme")
                .setKey("doomed").setConsistency("quorum").build());
        assertThat(deleted.getSuccess()).isTrue();
        // a quorum delete meets every quorum and all read; a read at one may still find the third replica's
        // copy from before, until the delete or a repair reaches it
        for (String cl : List.of("quorum", "all")) {
            assertNotFound(cl);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(replicaVersions("doomed")).allSatisfy(v -> assertThat(v.getTombstone()).isTrue()));
        assertNotFound("one");
    }

    private void assertNotFound(String consistency) {
        StatusRuntimeException e = failure(() -> coordinator.data().readKeyValue(get("doomed", consistency)));
        assertThat(e.getStatus().getCode()).as(consistency).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(reason(e)).as(consistency).isEqualTo("KEY_NOT_FOUND");
    }

    // ---- idempotency ----------------------------------------------------------------------

    @Test
    void aRetryReturnsTheIdenticalResponseAndADifferentPayloadIsAConflict() {
        WriteKeyValueRequest request = put("idem", "first").toBuilder().setIdempotencyKey("idem-1").build();
        WriteKeyValueResponse first = coordinator.data().writeKeyValue(request);
        WriteKeyValueResponse retry = coordinator.data().writeKeyValue(request);
        assertThat(retry.getIsDuplicate()).isTrue();
        assertThat(retry.toBuilder().setIsDuplicate(false).build()).isEqualTo(first);

        StatusRuntimeException e = failure(() -> coordinator.data().writeKeyValue(
                put("idem", "second").toBuilder().setIdempotencyKey("idem-1").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(reason(e)).isEqualTo("IDEMPOTENCY_KEY_CONFLICT");
        assertThat(coordinator.data().readKeyValue(get("idem", "all")).getValue().toStringUtf8()).isEqualTo("first");
    }

    @Test
    void aRetryAskingForMoreReplicasThanTheFirstGotIsAConflictThatSaysSo() {
        WriteKeyValueRequest atOne = put("idem-cl", "v").toBuilder().setIdempotencyKey("idem-2").setConsistency("one")
                .build();
        coordinator.data().writeKeyValue(atOne);

        StatusRuntimeException e = failure(() -> coordinator.data().writeKeyValue(atOne.toBuilder()
                .setConsistency("all").build()));
        assertThat(reason(e)).isEqualTo("IDEMPOTENCY_KEY_CONFLICT");
        assertThat(e.getStatus().getDescription()).contains("fewer replicas", "resend the first request as it was");
        assertThat(coordinator.data().writeKeyValue(atOne).getIsDuplicate()).isTrue();
    }

    @Test
    void aServerGeneratedIdempotencyKeyNamesTheWriteButKeepsNoRecord() {
        WriteKeyValueResponse first = coordinator.data().writeKeyValue(put("generated", "x"));
        assertThat(first.getIdempotencyKey()).isNotEmpty();
        WriteKeyValueResponse again = coordinator.data().writeKeyValue(put("generated", "x").toBuilder()
                .setIdempotencyKey(first.getIdempotencyKey()).build());
        assertThat(again.getIsDuplicate()).as("a new request with that key, not a retry").isFalse();
        assertThat(again.getVectorClock()).isNotEqualTo(first.getVectorClock());
    }

    @Test
    void aHundredConcurrentIdenticalRequestsApplyOnce() throws Exception {
        WriteKeyValueRequest request = put("once", "exactly").toBuilder().setIdempotencyKey("burst-1").build();
        CoordinatorServiceGrpc.CoordinatorServiceBlockingStub stub = coordinator.data();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Set<VectorClock> appliedClocks = new HashSet<>();
        int applied = 0;
        int duplicates = 0;
        int inFlight = 0;
        try {
            List<Callable<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(() -> {
                    try {
                        return stub.writeKeyValue(request);
                    } catch (StatusRuntimeException e) {
                        return e;
                    }
                });
            }
            for (Future<Object> f : pool.invokeAll(calls)) {
                Object answer = f.get();
                if (answer instanceof WriteKeyValueResponse r) {
                    appliedClocks.add(r.getVectorClock());
                    if (r.getIsDuplicate()) {
                        duplicates++;
                    } else {
                        applied++;
                    }
                } else {
                    // refusals a client retries: the first request still in flight, or (on a machine too busy
                    // for Redis to answer within its timeout) the documented keyed-write policy
                    StatusRuntimeException e = (StatusRuntimeException) answer;
                    assertThat(e.getStatus().getCode() + "/" + reason(e))
                            .isIn("ABORTED/REQUEST_IN_PROGRESS", "UNAVAILABLE/IDEMPOTENCY_STORE_UNAVAILABLE",
                                    "UNAVAILABLE/QUORUM_NOT_REACHED", "DEADLINE_EXCEEDED/QUORUM_TIMED_OUT");
                    inFlight++;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("100 identical requests: applied=%d duplicates=%d refused-retryable=%d%n", applied, duplicates,
                inFlight);
        assertThat(applied).isEqualTo(1);
        assertThat(appliedClocks).as("every answer carries the one write's clock").hasSize(1);
        assertThat(applied + duplicates + inFlight).isEqualTo(100);
    }

    @Test
    void withRedisDownKeyedWritesAreUnavailableAndUnkeyedWritesProceed() {
        var redis = coordinator.cluster.redis();
        redis.stop();
        try {
            StatusRuntimeException e = failure(() -> coordinator.data().writeKeyValue(
                    put("redis-down", "keyed").toBuilder().setIdempotencyKey("rd-1").build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(reason(e)).isEqualTo("IDEMPOTENCY_STORE_UNAVAILABLE");
            // an earlier attempt with the key may have been applied: the advice is to keep the key
            assertThat(e.getStatus().getDescription()).contains("Retry later with the same key")
                    .doesNotContain("or send it without a key");

            WriteKeyValueResponse unkeyed = coordinator.data().writeKeyValue(put("redis-down", "unkeyed"));
            assertThat(unkeyed.getSuccess()).isTrue();
            assertThat(coordinator.data().readKeyValue(get("redis-down", "quorum")).getValue().toStringUtf8())
                    .isEqualTo("unkeyed");
        } finally {
            redis.start();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(coordinator.data().writeKeyValue(
                put("redis-back", "keyed").toBuilder().setIdempotencyKey("rd-2").build()).getSuccess()).isTrue());
    }

    @Test
    void idempotencyKeysWhosePartsJoinToTheSameTextKeepTheirOwnRecords() {
        // seen in dev mode: the second write was answered "already written" and never applied
        WriteKeyValueResponse first = coordinator.data().writeKeyValue(put("a:b", "v1").toBuilder()
                .setIdempotencyKey("c").build());
        WriteKeyValueResponse second = coordinator.data().writeKeyValue(put("a", "v1").toBuilder()
                .setIdempotencyKey("b:c").build());

        assertThat(first.getIsDuplicate()).isFalse();
        assertThat(second.getIsDuplicate()).as("a different request, not a retry").isFalse();
        assertThat(second.getKey()).isEqualTo("a");
        assertThat(coordinator.data().readKeyValue(get("a", "quorum")).getValue().toStringUtf8()).isEqualTo("v1");
    }

    @Test
    void writesWithoutAKeyLeaveNothingInRedis() {
        RedisClient client = RedisClient.create(coordinator.cluster.redis().uri());
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            long before = redis.sync().dbsize();
            for (int i = 0; i < 20; i++) {
                assertThat(coordinator.data().writeKeyValue(put("unkeyed-" + i, "v")).getIdempotencyKey()).isNotEmpty();
            }
            assertThat(redis.sync().dbsize()).as("Redis keys after 20 writes without an idempotency key")
                    .isEqualTo(before);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aCoordinatorWhoseIdIsTakenOverStopsIssuingClocksUnderIt() throws Exception {
        Map<String, Object> pooled = Map.of("pairdb.coordinator.node-id", "", "pairdb.coordinator.id-renewal-interval", "500ms");
        try (InProcessCoordinator victim = InProcessCoordinator.alongside(coordinator, pooled)) {
            String leased = writerOf(victim, "lease-before");
            int number = Integer.parseInt(leased.substring("coord-".length()));
            Map<String, Object> db = coordinator.cluster.properties();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection((String) db.get("datasources.default.url"),
                    (String) db.get("datasources.default.username"), (String) db.get("datasources.default.password"));
                 java.sql.PreparedStatement steal = c.prepareStatement("UPDATE coordinator_ids SET lease_owner = 'another "
                         + "instance', lease_until = now() + interval '1 hour' WHERE id_number = ?")) {
                // what another instance does once this one's lease has run out unrenewed (a long pause)
                steal.setInt(1, number);
                assertThat(steal.executeUpdate()).isEqualTo(1);
            }

            // until it holds an id again it refuses writes (UNAVAILABLE, COORDINATOR_ID_NOT_HELD)
            await().atMost(Duration.ofSeconds(30)).ignoreException(StatusRuntimeException.class).untilAsserted(() ->
                    assertThat(victim.data().writeKeyValue(put("lease-after-" + System.nanoTime(), "x")).getVectorClock()
                            .getEntriesList()).as("clock entries issued after the id was taken over")
                            .noneMatch(e -> e.getCoordinatorNodeId().equals(leased)));
        }
    }

    @Test
    void theDatabaseConnectionsHaveConnectSocketAndStatementTimeouts() throws Exception {
        javax.sql.DataSource dataSource = coordinator.context.getBean(io.micronaut.jdbc.DataSourceResolver.class)
                .resolve(coordinator.context.getBean(javax.sql.DataSource.class));
        var hikari = (com.zaxxer.hikari.HikariDataSource) dataSource;
        assertThat(hikari.getConnectionTimeout()).as("how long a request waits for a pooled connection (ms)")
                .isEqualTo(3000);
        assertThat(hikari.getDataSourceProperties()).as("driver properties (strings, or the driver ignores them)")
                .containsEntry("connectTimeout", "5").containsEntry("socketTimeout", "60");
        // the server's own default is 0, no timeout; here it is 30 s
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
            rs.next();
            assertThat(rs.getString(1)).as("statement_timeout").isEqualTo("30s");
            assertThat(c.getNetworkTimeout()).as("socket timeout (ms)").isEqualTo(60_000);
        }
    }

    // ---- validation -----------------------------------------------------------------------

    static Stream<Arguments> badWrites() {
        String longKey = "k".repeat(1025);
        return Stream.of(
                Arguments.of("missing tenant", put("k", "v").toBuilder().setTenantId("").build(),
                        Status.Code.INVALID_ARGUMENT, "INVALID_TENANT_ID"),
                Arguments.of("tenant with a space", put("k", "v").toBuilder().setTenantId("a b").build(),
                        Status.Code.INVALID_ARGUMENT, "INVALID_TENANT_ID"),
                Arguments.of("tenant of 65 characters", put("k", "v").toBuilder().setTenantId("t".repeat(65)).build(),
                        Status.Code.INVALID_ARGUMENT, "INVALID_TENANT_ID"),
                Arguments.of("empty key", put("", "v"), Status.Code.INVALID_ARGUMENT, "INVALID_KEY"),
                Arguments.of("key of 1025 bytes", put(longKey, "v"), Status.Code.INVALID_ARGUMENT, "INVALID_KEY"),
                Arguments.of("key of 1024 two-byte characters", put("é".repeat(1024), "v"),
                        Status.Code.INVALID_ARGUMENT, "INVALID_KEY"),
                Arguments.of("unknown consistency", put("k", "v").toBuilder().setConsistency("most").build(),
                        Status.Code.INVALID_ARGUMENT, "INVALID_CONSISTENCY"),
                Arguments.of("value over 1 MiB", WriteKeyValueRequest.newBuilder().setTenantId("acme").setKey("big")
                        .setValue(ByteString.copyFrom(new byte[1024 * 1024 + 1])).build(),
                        Status.Code.RESOURCE_EXHAUSTED, "VALUE_TOO_LARGE"),
                Arguments.of("idempotency key of 129 characters", put("k", "v").toBuilder()
                        .setIdempotencyKey("i".repeat(129)).build(), Status.Code.INVALID_ARGUMENT, "INVALID_IDEMPOTENCY_KEY"),
                Arguments.of("unknown tenant", put("k", "v").toBuilder().setTenantId("ghost").build(),
                        Status.Code.NOT_FOUND, "TENANT_NOT_FOUND"),
                Arguments.of("causal context at the end of the counter range", put("k", "v").toBuilder()
                        .setCausalContext(VectorClock.newBuilder().addEntries(VectorClockEntry.newBuilder()
                                .setCoordinatorNodeId("coord-1").setLogicalTimestamp(Long.MAX_VALUE - 1))).build(),
                        Status.Code.INVALID_ARGUMENT, "INVALID_CAUSAL_CONTEXT"),
                Arguments.of("causal context naming a malformed coordinator", put("k", "v").toBuilder()
                        .setCausalContext(VectorClock.newBuilder().addEntries(VectorClockEntry.newBuilder()
                                .setCoordinatorNodeId("no spaces allowed").setLogicalTimestamp(1))).build(),
                        Status.Code.INVALID_ARGUMENT, "INVALID_CAUSAL_CONTEXT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badWrites")
    void badWritesGetTheRightStatusAndReason(String what, WriteKeyValueRequest request, Status.Code code, String reason) {
        StatusRuntimeException e = failure(() -> coordinator.data().writeKeyValue(request));
        assertThat(e.getStatus().getCode()).isEqualTo(code);
        assertThat(reason(e)).isEqualTo(reason);
        assertThat(e.getStatus().getDescription()).isNotBlank();
    }

    @Test
    void aBadReadGetsTheRightStatusAndReason() {
        StatusRuntimeException e = failure(() -> coordinator.data().readKeyValue(get("k", "sometimes")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(reason(e)).isEqualTo("INVALID_CONSISTENCY");
        StatusRuntimeException missing = failure(() -> coordinator.data().readKeyValue(get("", "one")));
        assertThat(reason(missing)).isEqualTo("INVALID_KEY");
    }
}
