package io.pairdb.emulator;

import io.pairdb.storage.server.CallCounts;
import io.pairdb.storage.server.Calls;
import io.pairdb.storage.server.Protos;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.emulator.v1.ClearRequest;
import io.pairdb.proto.emulator.v1.ClearResponse;
import io.pairdb.proto.emulator.v1.EmulatorControlGrpc;
import io.pairdb.proto.emulator.v1.Faults;
import io.pairdb.proto.emulator.v1.PurgeTombstonesRequest;
import io.pairdb.proto.emulator.v1.PurgeTombstonesResponse;
import io.pairdb.proto.emulator.v1.PutRawResponse;
import io.pairdb.proto.emulator.v1.StatsRequest;
import io.pairdb.proto.emulator.v1.StatsResponse;
import io.pairdb.proto.storage.v1.Entry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** {@code pairdb.emulator.v1.EmulatorControl}: the fault hooks over gRPC. Never subject to faults. */
final class EmulatorControlEndpoint extends EmulatorControlGrpc.EmulatorControlImplBase {

    private final InMemoryStore store;
    private final FaultHooks faults;
    private final CallCounts stats;

    EmulatorControlEndpoint(InMemoryStore store, FaultHooks faults, CallCounts stats) {
        this.store = Objects.requireNonNull(store);
        this.faults = Objects.requireNonNull(faults);
        this.stats = Objects.requireNonNull(stats);
    }

    @Override
    public void setFaults(Faults request, StreamObserver<Faults> observer) {
        Calls.unary(observer, () -> {
            Protos.require(request.getDelayMs() >= 0, "delay_ms must not be negative");
            Protos.require(request.getFailNextWrites() >= 0, "fail_next_writes must not be negative");
            Protos.require(request.getStallProbability() >= 0 && request.getStallProbability() <= 1,
                    "stall_probability must be between 0 and 1");
            Protos.require(request.getStallMs() >= 0, "stall_ms must not be negative");
            faults.replace(new FaultSettings(request.getUnavailable(), Duration.ofMillis(request.getDelayMs()),
                    request.getStallProbability(), Duration.ofMillis(request.getStallMs()),
                    request.getFailNextWrites(), request.getFailStreams(),
                    Optional.of(request.getHoldRangeDeletesOfTenant()).filter(t -> !t.isEmpty())));
            FaultSettings current = faults.current();
            return Faults.newBuilder()
                    .setUnavailable(current.unavailable())
                    .setDelayMs(current.delay().toMillis())
                    .setStallProbability(current.stallProbability())
                    .setStallMs(current.stall().toMillis())
                    .setFailNextWrites(current.failNextWrites())
                    .setFailStreams(current.failStreams())
                    .setHoldRangeDeletesOfTenant(current.holdRangeDeletesOf().orElse(""))
                    .build();
        });
    }

    @Override
    public void putRaw(Entry request, StreamObserver<PutRawResponse> observer) {
        Calls.unary(observer, () -> {
            store.putRaw(Protos.entry("", request));
            return PutRawResponse.getDefaultInstance();
        });
    }

    @Override
    public void clear(ClearRequest request, StreamObserver<ClearResponse> observer) {
        Calls.unary(observer, () -> {
            store.clear();
            return ClearResponse.getDefaultInstance();
        });
    }

    @Override
    public void purgeTombstones(PurgeTombstonesRequest request, StreamObserver<PurgeTombstonesResponse> observer) {
        Calls.unary(observer, () -> PurgeTombstonesResponse.newBuilder().setPurged(store.purgeTombstonesOlderThan(
                Long.MAX_VALUE)).build());
    }

    @Override
    public void stats(StatsRequest request, StreamObserver<StatsResponse> observer) {
        Calls.unary(observer, () -> StatsResponse.newBuilder()
                .setKeyCount(store.keyCount())
                .setWrites(stats.writes())
                .setReads(stats.reads())
                .setRepairs(stats.repairs())
                .build());
    }
}
