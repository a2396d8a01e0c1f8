package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.errorInfo;
import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import io.pairdb.proto.admin.v1.AddStorageNodeRequest;
import io.pairdb.proto.admin.v1.ForceCleanupRequest;
import io.pairdb.proto.admin.v1.ListChangesRequest;
import io.pairdb.proto.coordinator.v1.CoordinatorServiceGrpc;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's limits against a real server: calls past the load bound are shed at once
 * with RESOURCE_EXHAUSTED/OVERLOADED and a RetryInfo while health answers, oversized metadata is
 * refused, and a connection gets no more concurrent calls than configured; the coordinator
 * serves normally afterwards each time.
 */
class LimitsIT {
    private static final Duration HELD = Duration.ofSeconds(60);
    /** Held storage calls must outlast the test's checks, so the read and write timeouts are long. */
    private static final Map<String, Object> LONG_WRITES = Map.of(
            "pairdb.coordinator.write-timeout", "40s",
            "pairdb.coordinator.read-timeout", "40s",
            "pairdb.topology-changes.settle-delay", "40s");

    @Test
    void callsPastTheBoundAreShedAtOnceHealthStillAnswersAndOversizedMetadataIsRefused() {
        Map<String, Object> settings = new java.util.HashMap<>(LONG_WRITES);
        settings.put("pairdb.limits.max-requests-in-flight", 2);
        settings.put("pairdb.limits.max-request-bytes-in-flight", 1000);
        settings.put("pairdb.limits.overload-retry-after", "750ms");
        settings.put("pairdb.limits.max-inbound-metadata-bytes", 1024);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, settings)) {
            var async = CoordinatorServiceGrpc.newFutureStub(coordinator.channel);
            List<ListenableFuture<WriteKeyValueResponse>> held = new ArrayList<>();
            holdStorage(coordinator, HELD);

            // bytes: one large write in flight leaves no room for another
            held.add(async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("big-1", 800)));
            waiting().until(() -> inFlight(coordinator) == 1);
            StatusRuntimeException tooManyBytes = catchThrowableOfType(StatusRuntimeException.class,
                    () -> coordinator.data().writeKeyValue(write("big-2", 800)));
            assertShed(tooManyBytes, "bytes");

            // requests: with two in flight the third is shed
            held.add(async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("small-1", 10)));
            waiting().until(() -> inFlight(coordinator) == 2);
            StatusRuntimeException tooMany = catchThrowableOfType(StatusRuntimeException.class,
                    () -> coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId("default")
                            .setKey("small-1").build()));
            assertShed(tooMany, "requests");
            assertThat(held).as("the shed calls were answered while the admitted ones still wait on storage")
                    .noneMatch(java.util.concurrent.Future::isDone);

            assertThat(HealthGrpc.newBlockingStub(coordinator.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .as("health is not shed").isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            MeterRegistry metrics = coordinator.context.getBean(MeterRegistry.class);
            assertThat(metrics.get("coordinator.requests.shed").tag("operation", "WriteKeyValue").tag("limit", "bytes")
                    .counter().count()).isEqualTo(1.0);
            assertThat(metrics.get("coordinator.requests.shed").tag("operation", "ReadKeyValue").tag("limit", "requests")
                    .counter().count()).isEqualTo(1.0);

            // once storage answers, the cancelled calls' work ends and gives their share back; then the coordinator
            // serves as before
            held.forEach(f -> f.cancel(true));
            holdStorage(coordinator, Duration.ZERO);
            waiting().until(() -> inFlight(coordinator) == 0);
            assertThat(coordinator.data().writeKeyValue(write("after", 10)).getSuccess()).isTrue();
            assertThat(coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId("default")
                    .setKey("after").build()).getValue()).isEqualTo(value(10));

            Metadata huge = new Metadata();
            huge.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "p".repeat(4000));
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> coordinator.data()
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(huge)).writeKeyValue(write("meta", 10)));
            // the server advertises its metadata limit in HTTP/2 SETTINGS, so grpc-java refuses the call before
            // sending it; 1024 is the configured figure (grpc-java's own default is 8192), so it came from the server
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(refused.getStatus().getCause()).hasMessageContaining("Header size exceeded max allowed size (1024)");
            assertThat(coordinator.data().writeKeyValue(write("meta", 10)).getSuccess()).isTrue();
        }
    }

    @Test
    void aCallWhoseDeadlineIsShorterThanTheQueueAheadOfItIsShedAtOnceOneWithTimeEnoughIsTaken() {
        Map<String, Object> settings = new java.util.HashMap<>(LONG_WRITES);
        settings.put("pairdb.limits.overload-retry-after", "750ms");
        // a long window, so that the rate of the answers below is still what the window holds when the probes come
        settings.put("pairdb.limits.answer-rate-window", "120s");
        settings.put("pairdb.limits.answer-rate-min-calls", 20);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, settings)) {
            var async = CoordinatorServiceGrpc.newFutureStub(coordinator.channel);
            StatusRuntimeException early = catchThrowableOfType(StatusRuntimeException.class, () -> {
                holdStorage(coordinator, HELD);
                List<ListenableFuture<WriteKeyValueResponse>> queue = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    queue.add(async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("q" + i, 10)));
                }
                waiting().until(() -> inFlight(coordinator) == 5);
                try {
                    coordinator.data().withDeadlineAfter(1, TimeUnit.SECONDS).writeKeyValue(write("early", 10));
                } finally {
                    queue.forEach(f -> f.cancel(true));
                    holdStorage(coordinator, Duration.ZERO);
                    waiting().until(() -> inFlight(coordinator) == 0);
                }
            });
            assertThat(early).as("the early call failed").isNotNull();
            assertThat(early.getStatus().getCode()).as("too few answers yet to know the rate: the call is taken")
                    .isEqualTo(Status.Code.DEADLINE_EXCEEDED);

            // 20 answers one after another, each held 300 ms by storage: at most about 3 a second
            holdStorage(coordinator, Duration.ofMillis(300));
            for (int i = 0; i < 20; i++) {
                assertThat(coordinator.data().writeKeyValue(write("warm-" + i, 10)).getSuccess()).isTrue();
            }
            holdStorage(coordinator, HELD);
            List<ListenableFuture<WriteKeyValueResponse>> held = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                held.add(async.withDeadlineAfter(10, TimeUnit.MINUTES).writeKeyValue(write("held-" + i, 10)));
            }
            waiting().until(() -> inFlight(coordinator) == 50);

            // fifty calls ahead at that rate take far longer than 3 s: shed at once
            long start = System.nanoTime();
            StatusRuntimeException late = catchThrowableOfType(StatusRuntimeException.class, () -> coordinator.data()
                    .withDeadlineAfter(3, TimeUnit.SECONDS).writeKeyValue(write("late", 10)));
            assertShed(late, "deadline");
            assertThat(late.getStatus().getDescription()).contains("50 calls ahead").contains("ms left of its deadline");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered before its deadline")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(coordinator.context.getBean(MeterRegistry.class).get("coordinator.requests.shed")
                    .tag("operation", "WriteKeyValue").tag("limit", "deadline").counter().count()).isEqualTo(1.0);

            // a call with time enough, and one with no deadline, are taken
            held.add(async.withDeadlineAfter(10, TimeUnit.MINUTES).writeKeyValue(write("in-time", 10)));
            held.add(async.writeKeyValue(write("no-deadline", 10)));
            waiting().until(() -> inFlight(coordinator) == 52);
            assertThat(held).noneMatch(java.util.concurrent.Future::isDone);

            held.forEach(f -> f.cancel(true));
            holdStorage(coordinator, Duration.ZERO);
            waiting().until(() -> inFlight(coordinator) == 0);
            assertThat(coordinator.data().writeKeyValue(write("after", 10)).getSuccess()).isTrue();
        }
    }

    @Test
    void aConnectionGetsNoMoreConcurrentCallsThanConfigured() {
        Map<String, Object> settings = new java.util.HashMap<>(LONG_WRITES);
        settings.put("pairdb.limits.max-concurrent-calls-per-connection", 2);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, settings)) {
            ManagedChannel other = ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcPort).usePlaintext().build();
            try {
                var async = CoordinatorServiceGrpc.newFutureStub(coordinator.channel);
                holdStorage(coordinator, HELD);
                List<ListenableFuture<WriteKeyValueResponse>> held = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    held.add(async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("c" + i, 10)));
                }
                waiting().until(() -> inFlight(coordinator) == 2);

                // the third call on the same connection waits for a free stream and never reaches the server
                StatusRuntimeException queued = catchThrowableOfType(StatusRuntimeException.class, () ->
                        CoordinatorServiceGrpc.newBlockingStub(coordinator.channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                                .readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId("default").setKey("c0").build()));
                assertThat(queued.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                assertThat(held).noneMatch(java.util.concurrent.Future::isDone);
                assertThat(HealthGrpc.newBlockingStub(other).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus())
                        .as("another connection is served").isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

                held.forEach(f -> f.cancel(true));
                holdStorage(coordinator, Duration.ZERO);
                waiting().until(() -> inFlight(coordinator) == 0);
                assertThat(coordinator.data().writeKeyValue(write("after", 10)).getSuccess()).isTrue();
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void aCallItsClientCancelsKeepsItsPlaceInTheBoundUntilTheCoordinatorsWorkForItEnds() throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(LONG_WRITES);
        settings.put("pairdb.limits.max-requests-in-flight", 2);
        settings.put("pairdb.limits.overload-retry-after", "750ms");
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, settings)) {
            var async = CoordinatorServiceGrpc.newFutureStub(coordinator.channel);
            RequestLog calls = coordinator.context.getBean(RequestLog.class);
            holdStorage(coordinator, HELD);
            ListenableFuture<WriteKeyValueResponse> cancelled =
                    async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("cancelled", 10));
            waiting().until(() -> inFlight(coordinator) == 1);
            cancelled.cancel(true);
            waiting().until(() -> calls.inFlight() == 0);

            // the client has gone, but the write it started still waits on storage: it still takes its place,
            // or a client resetting its calls could have the coordinator work on any number of them at once
            assertThat(inFlight(coordinator)).as("the cancelled call's work still counts").isEqualTo(1);
            ListenableFuture<WriteKeyValueResponse> second =
                    async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("second", 10));
            waiting().until(() -> inFlight(coordinator) == 2);
            StatusRuntimeException third = catchThrowableOfType(StatusRuntimeException.class, () ->
                    coordinator.data().withDeadlineAfter(5, TimeUnit.SECONDS).writeKeyValue(write("third", 10)));
            assertShed(third, "requests");

            // once storage answers, the cancelled call's work ends and its place is given back
            holdStorage(coordinator, Duration.ZERO);
            assertThat(second.get(HELD.toSeconds(), TimeUnit.SECONDS).getSuccess()).isTrue();
            waiting().until(() -> inFlight(coordinator) == 0);
            assertThat(coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId("default")
                    .setKey("cancelled").build()).getValue()).as("the cancelled write went on").isEqualTo(value(10));
        }
    }

    @Test
    void aClientWhoseCallsAreCancelledByTheHundredIsNotDisconnectedByTheResetGuard() throws Exception {
        // the default guard: a client whose calls run out their deadlines, as under overload, resets each of them
        Map<String, Object> settings = new java.util.HashMap<>(LONG_WRITES);
        // the calls below are cancelled, not answered in time; this test is not about the deadline check
        settings.put("pairdb.limits.shed-calls-past-deadline", false);
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, settings)) {
            ManagedChannel client = ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcPort).usePlaintext()
                    .build();
            try {
                var async = CoordinatorServiceGrpc.newFutureStub(client);
                RequestLog calls = coordinator.context.getBean(RequestLog.class);
                holdStorage(coordinator, HELD);
                ListenableFuture<WriteKeyValueResponse> bystander =
                        async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("bystander", 10));
                waiting().until(() -> calls.inFlight() == 1);

                // three rounds of 100 calls that reach the server and are then cancelled: 300 RST_STREAM frames
                for (int round = 0; round < 3; round++) {
                    List<ListenableFuture<WriteKeyValueResponse>> batch = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        batch.add(async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS)
                                .writeKeyValue(write("c" + round + "-" + i, 10)));
                    }
                    waiting().until(() -> calls.inFlight() == 101 || bystander.isDone());
                    batch.forEach(f -> f.cancel(true));
                    waiting().until(() -> calls.inFlight() == 1 || bystander.isDone());
                }

                assertThat(bystander).as("the connection is still open, the call on it still waits").isNotDone();
                holdStorage(coordinator, Duration.ZERO);
                assertThat(bystander.get(HELD.toSeconds(), TimeUnit.SECONDS).getSuccess()).isTrue();
                assertThat(CoordinatorServiceGrpc.newBlockingStub(client).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .writeKeyValue(write("after", 10)).getSuccess()).isTrue();
            } finally {
                client.shutdownNow();
            }
        }
    }

    @Test
    void aConnectionThatResetsStreamsTooFastIsClosedAndTheServerServesOnAfterwards() {
        Map<String, Object> settings = new java.util.HashMap<>(LONG_WRITES);
        settings.put("pairdb.limits.max-reset-streams-per-window", 10);
        settings.put("pairdb.limits.reset-streams-window", "60s");
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, settings)) {
            ManagedChannel flooder = ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcPort).usePlaintext()
                    .build();
            try {
                var async = CoordinatorServiceGrpc.newFutureStub(flooder);
                RequestLog calls = coordinator.context.getBean(RequestLog.class);
                holdStorage(coordinator, HELD);
                ListenableFuture<WriteKeyValueResponse> bystander =
                        async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("bystander", 10));
                waiting().until(() -> calls.inFlight() == 1);

                // each call reaches the server and is then cancelled: one HEADERS and one RST_STREAM per stream
                for (int i = 0; i < 11; i++) {
                    ListenableFuture<WriteKeyValueResponse> opened =
                            async.withDeadlineAfter(HELD.toSeconds(), TimeUnit.SECONDS).writeKeyValue(write("r" + i, 10));
                    waiting().until(() -> calls.inFlight() >= 2 || bystander.isDone());
                    opened.cancel(true);
                    waiting().until(() -> calls.inFlight() <= 1);
                    if (bystander.isDone()) {
                        break;
                    }
                }

                // past the tenth reset within the window the server closes the connection, calls on it included
                Throwable closed = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                        () -> bystander.get(HELD.toSeconds(), TimeUnit.SECONDS)).getCause();
                assertThat(closed).isInstanceOf(StatusRuntimeException.class);
                // grpc-java reports the server's GOAWAY ENHANCE_YOUR_CALM to the calls on the connection as RESOURCE_EXHAUSTED
                assertThat(((StatusRuntimeException) closed).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

                holdStorage(coordinator, Duration.ZERO);
                assertThat(coordinator.data().writeKeyValue(write("after-flood", 10)).getSuccess())
                        .as("other connections are served").isTrue();
                assertThat(CoordinatorServiceGrpc.newBlockingStub(flooder).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .writeKeyValue(write("reconnected", 10)).getSuccess())
                        .as("the flooding client may connect again").isTrue();
            } finally {
                flooder.shutdownNow();
            }
        }
    }

    @Test
    void adminFieldsAreBounded() {
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(3, Map.of())) {
            var admin = coordinator.admin();
            // and names no channel can be opened to: a port given in the host, an underscore, brackets
            for (String host : List.of("h".repeat(254), "node\u0000.example", "node 1", "node\n1", "127.0.0.1:7000",
                    "node_4", "[::1]")) {
                StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () ->
                        admin.addStorageNode(AddStorageNodeRequest.newBuilder().setNodeId("n9").setHost(host)
                                .setPort(7000).setDryRun(true).build()));
                assertThat(refused).as("host %s", host.length() > 20 ? host.length() + " characters" : host).isNotNull();
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(reason(refused)).isEqualTo("INVALID_ADDRESS");
            }
            for (String why : List.of("r".repeat(1025), "nul\u0000inside")) {
                StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () ->
                        admin.forceCleanup(ForceCleanupRequest.newBuilder().setChangeId("no-such-change")
                                .setReason(why).build()));
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(reason(refused)).isEqualTo("INVALID_REASON");
            }
            StatusRuntimeException tooMany = catchThrowableOfType(StatusRuntimeException.class, () ->
                    admin.listChanges(ListChangesRequest.newBuilder().setLimit(1001).build()));
            assertThat(tooMany.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(reason(tooMany)).isEqualTo("INVALID_LIMIT");

            assertThat(admin.listChanges(ListChangesRequest.newBuilder().setLimit(1000).build()).getChangesCount())
                    .as("the bound itself is allowed").isZero();
        }
    }

    private static void assertShed(StatusRuntimeException e, String limit) throws AssertionError {
        assertThat(e).as("the call was shed").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(reason(e)).isEqualTo("OVERLOADED");
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status.getDetailsList()).anySatisfy(d -> {
            assertThat(d.is(RetryInfo.class)).isTrue();
            assertThat(d.unpack(RetryInfo.class).getRetryDelay().getNanos()).isEqualTo(750_000_000);
        });
        assertThat(errorInfo(status).getMetadataMap()).containsEntry("limit", limit);
    }

    private static double inFlight(InProcessCoordinator coordinator) {
        return coordinator.context.getBean(MeterRegistry.class).get("coordinator.requests.in.flight").gauge().value();
    }

    /** Storage calls from now on wait {@code delay}; with zero, the calls waiting now go on at once too. */
    private static void holdStorage(InProcessCoordinator coordinator, Duration delay) {
        coordinator.cluster.nodes().forEach(n -> {
            n.faults().setDelay(delay);
            if (delay.isZero()) {
                n.faults().releaseDelayedCalls();
            }
        });
    }

    private static WriteKeyValueRequest write(String key, int bytes) {
        return WriteKeyValueRequest.newBuilder().setTenantId("default").setKey(key).setValue(value(bytes)).build();
    }

    private static ByteString value(int bytes) {
        return ByteString.copyFromUtf8("v".repeat(bytes));
    }

    private static ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50));
    }
}
