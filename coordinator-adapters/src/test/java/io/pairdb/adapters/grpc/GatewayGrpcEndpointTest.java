package io.pairdb.adapters.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayGrpcEndpointTest {
    /** What a call's client is sent, in order. */
    private static final class Recorded implements StreamObserver<String> {
        final List<String> events = new ArrayList<>();
        Throwable error;

        @Override
        public void onNext(String value) {
            events.add("next " + value);
        }

        @Override
        public void onError(Throwable t) {
            events.add("error");
            error = t;
        }

        @Override
        public void onCompleted() {
            events.add("completed");
        }
    }

    @Test
    void theV1AnswerReachesTheClientTranslated() {
        Recorded client = new Recorded();
        StreamObserver<Integer> v1 = GatewayGrpcEndpoint.translated(client, "op", n -> "n=" + n);

        v1.onNext(7);
        v1.onCompleted();

        assertThat(client.events).containsExactly("next n=7", "completed");
    }

    @Test
    void aV1FailureReachesTheClientAsItIs() {
        Recorded client = new Recorded();
        StatusRuntimeException failure = GrpcErrors.error(Status.Code.NOT_FOUND, "KEY_NOT_FOUND", "key 'k' not found");

        GatewayGrpcEndpoint.<Integer, String>translated(client, "op", n -> "n=" + n).onError(failure);

        assertThat(client.events).containsExactly("error");
        assertThat(client.error).isSameAs(failure);
    }

    @Test
    void aTranslationThatFailsEndsTheCallWithOneInternalErrorAndNothingElse() {
        Recorded client = new Recorded();
        StreamObserver<Integer> v1 = GatewayGrpcEndpoint.translated(client, "op", n -> {
            throw new IllegalArgumentException("a change without a type");
        });

        v1.onNext(7);
        v1.onCompleted();

        assertThat(client.events).containsExactly("error");
        assertThat(Status.fromThrowable(client.error).getCode()).isEqualTo(Status.Code.INTERNAL);
    }
}
