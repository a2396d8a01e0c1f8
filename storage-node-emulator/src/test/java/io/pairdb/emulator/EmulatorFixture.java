package io.pairdb.emulator;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.pairdb.proto.emulator.v1.EmulatorControlGrpc;
import io.pairdb.storage.contract.Fixtures;
import io.pairdb.proto.storage.v1.Entry;
import io.pairdb.proto.storage.v1.ReadRequest;
import io.pairdb.proto.storage.v1.ReadResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import io.pairdb.proto.storage.v1.Version;
import io.pairdb.proto.storage.v1.WriteBatchRequest;
import io.pairdb.proto.storage.v1.WriteRequest;
import io.pairdb.proto.storage.v1.WriteResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** An emulator on a free port and a real gRPC channel to it. */
final class EmulatorFixture implements AutoCloseable {

    /** Generous: a deadline is a safety net against a hung test, not a timing assertion. */
    private static final long DEADLINE_SECONDS = 30;

    final StorageNodeEmulator emulator;
    final ManagedChannel channel;

    private EmulatorFixture(StorageNodeEmulator emulator) {
        this.emulator = emulator;
        this.channel = Grpc.newChannelBuilder(emulator.target(), InsecureChannelCredentials.create()).build();
    }

    static EmulatorFixture start() {
        return start(builder -> builder);
    }

    static EmulatorFixture start(UnaryOperator<StorageNodeEmulator.Builder> configuration) {
        try {
            return new EmulatorFixture(configuration.apply(StorageNodeEmulator.builder().nodeId("node-under-test")).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    StorageNodeServiceGrpc.StorageNodeServiceBlockingStub storage() {
        return StorageNodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    StorageNodeServiceGrpc.StorageNodeServiceFutureStub storageAsync() {
        return StorageNodeServiceGrpc.newFutureStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    EmulatorControlGrpc.EmulatorControlBlockingStub control() {
        return EmulatorControlGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    WriteResponse write(String tenantId, String key, long token, Version version) {
        return storage().write(WriteRequest.newBuilder()
                .setTenantId(tenantId).setKey(key).setToken(token).setVersion(version).build());
    }

    WriteResponse write(String key, Version version) {
        return write(Fixtures.TENANT, key, Fixtures.tokenOf(key), version);
    }

    ReadResponse read(String key) {
        return read(Fixtures.TENANT, key);
    }

    ReadResponse read(String tenantId, String key) {
        return storage().read(ReadRequest.newBuilder().setTenantId(tenantId).setKey(key).build());
    }

    void writeBatch(Entry... entries) {
        storage().writeBatch(WriteBatchRequest.newBuilder().addAllEntries(List.of(entries)).build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        emulator.close();
    }
}
