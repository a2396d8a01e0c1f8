package io.pairdb.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code pairdb.security.reflection} is a boolean like any other: off in any spelling start-up accepts. */
class ReflectionSwitchIT {

    @Test
    void reflectionSwitchedOffWithACapitalFalseIsOff() throws Exception {
        try (InProcessCoordinator coordinator = InProcessCoordinator.start(1,
                Map.of("pairdb.security.reflection", "False"))) {
            Throwable answer = listServices(coordinator).handle((names, error) -> error).get(30, TimeUnit.SECONDS);

            assertThat(answer).as("reflection is not served").isNotNull();
            assertThat(Status.fromThrowable(answer).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        }
    }

    private static CompletableFuture<Integer> listServices(InProcessCoordinator coordinator) {
        CompletableFuture<Integer> services = new CompletableFuture<>();
        var requests = ServerReflectionGrpc.newStub(coordinator.channel).serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse response) {
                services.complete(response.getListServicesResponse().getServiceCount());
            }

            @Override
            public void onError(Throwable t) {
                services.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                services.complete(0);
            }
        });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        return services;
    }
}
