package io.pairdb.adapters.grpc;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pairdb.core.security.Authenticate;
import io.pairdb.core.security.ManageApiKeys;
import io.pairdb.core.testing.InMemoryApiKeyStore;
import io.pairdb.core.testing.ManualClock;
import io.pairdb.core.testing.SeededRandomBytes;
import io.pairdb.proto.admin.v1.CreateApiKeyRequest;
import io.pairdb.proto.admin.v1.CreateApiKeyResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Creating an API key: a validity the request cannot mean is refused as bad input, never an INTERNAL error. */
class AuthGrpcEndpointTest {
    private final ManualClock clock = new ManualClock();
    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();
    private final AuthGrpcEndpoint endpoint = new AuthGrpcEndpoint(new ManageApiKeys(store, clock, new SeededRandomBytes(1),
            new Authenticate(store, clock, Map.of(), new Authenticate.Settings(java.time.Duration.ofSeconds(10), 100))));

    @Test
    void aValidityBeyondWhatADurationCanHoldIsInvalidArgument() {
        for (Duration validFor : new Duration[] {
                Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999).build(),
                Duration.newBuilder().setSeconds(Long.MAX_VALUE).build(),
                Duration.newBuilder().setSeconds(315_576_000_001L).build(),
                Duration.newBuilder().setSeconds(1).setNanos(-5).build(),
                Duration.newBuilder().setSeconds(0).setNanos(0).build(),
                // the most negative values: their absolute value is negative too (found by FuzzIT)
                Duration.newBuilder().setSeconds(Long.MIN_VALUE).setNanos(-1).build(),
                Duration.newBuilder().setSeconds(Long.MIN_VALUE).setNanos(Integer.MIN_VALUE).build(),
                Duration.newBuilder().setSeconds(Long.MIN_VALUE).build(),
                Duration.newBuilder().setSeconds(0).setNanos(Integer.MIN_VALUE).build()}) {
            StatusRuntimeException refused = refusal(CreateApiKeyRequest.newBuilder().setName("app")
                    .addGrants("tenant:acme:read").setValidFor(validFor).build());

            assertThat(refused.getStatus().getCode()).as(validFor.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(reason(refused)).as(validFor.toString()).isEqualTo("INVALID_VALIDITY");
        }
        assertThat(store.list()).as("no key was created").isEmpty();
    }

    @Test
    void aValidityOfTenThousandYearsIsTheLongestTaken() {
        CreateApiKeyResponse created = answer(CreateApiKeyRequest.newBuilder().setName("app").addGrants("tenant:acme:read")
                .setValidFor(Duration.newBuilder().setSeconds(315_576_000_000L)).build());

        assertThat(created.getKey().hasExpiresAt()).isTrue();
    }

    private StatusRuntimeException refusal(CreateApiKeyRequest request) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        endpoint.createApiKey(request, observer(new AtomicReference<>(), error));
        assertThat(error.get()).as("the request is refused").isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) error.get();
    }

    private CreateApiKeyResponse answer(CreateApiKeyRequest request) {
        AtomicReference<CreateApiKeyResponse> answer = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        endpoint.createApiKey(request, observer(answer, error));
        assertThat(error.get()).as("no error").isNull();
        return answer.get();
    }

    private static StreamObserver<CreateApiKeyResponse> observer(AtomicReference<CreateApiKeyResponse> answer,
                                                                 AtomicReference<Throwable> error) {
        return new StreamObserver<>() {
            @Override
            public void onNext(CreateApiKeyResponse value) {
                answer.set(value);
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
