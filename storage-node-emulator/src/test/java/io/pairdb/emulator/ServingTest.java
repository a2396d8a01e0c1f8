package io.pairdb.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.pairdb.proto.storage.v1.HealthRequest;
import io.pairdb.proto.storage.v1.HealthResponse;
import io.pairdb.proto.storage.v1.StorageNodeServiceGrpc;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the emulator serves; the storage contract itself is {@code EmulatorContractTest}'s. */
class ServingTest {

    private final EmulatorFixture node = EmulatorFixture.start();

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void namesItselfAfterItsPortByDefault() throws IOException {
        try (StorageNodeEmulator unnamed = StorageNodeEmulator.builder().port(0).start()) {
            assertThat(unnamed.nodeId()).isEqualTo("emulator-" + unnamed.port());
        }
    }

    @Test
    void listsItsControlServiceThroughReflection() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(node.channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        answer.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new AssertionError("no reflection response"));
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());

        List<String> services = answer.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList()
                .stream().map(ServiceResponse::getName).toList();
        requests.onCompleted();

        assertThat(services).contains("pairdb.emulator.v1.EmulatorControl");
    }
}
